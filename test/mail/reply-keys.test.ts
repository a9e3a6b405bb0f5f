import { describe, expect, it } from 'vitest';
import { keyOfReplyAddress, replyAddress, replyKey, verifyReplyKey } from '../../core/reply-keys';

const SECRET = 'reply-key-test-secret-0123456789abcdefghij';

describe('reply keys', () => {
  it('are <taskId>.<22 base64url characters> and verify to their task id', () => {
    const key = replyKey(SECRET, 42);
    expect(key).toMatch(/^42\.[A-Za-z0-9_-]{22}$/);
    expect(verifyReplyKey(SECRET, key)).toBe(42);
    expect(replyAddress(SECRET, 42, 'replies.example.com')).toBe(`tasks+${key}@replies.example.com`);
  });

  it('refuse a forged, altered or malformed key', () => {
    const key = replyKey(SECRET, 42);
    const mac = key.slice(3);
    expect(verifyReplyKey(SECRET, `43.${mac}`)).toBeNull(); // another task with this task's MAC
    expect(verifyReplyKey('another-secret-0123456789abcdefghijklmnop', key)).toBeNull();
    expect(verifyReplyKey(SECRET, replyKey('another-secret-0123456789abcdefghijklmnop', 42))).toBeNull();
    // every other last character, including the spellings that decode to the same 16 bytes
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const c of alphabet) {
      if (c === key.at(-1)) continue;
      expect(verifyReplyKey(SECRET, key.slice(0, -1) + c), c).toBeNull();
    }
    for (const bad of [
      '',
      '42',
      '42.',
      `042.${mac}`,
      `42.${mac}A`,
      `42.${mac.slice(1)}`,
      `-1.${mac}`,
      `42.${mac.slice(0, -1)}=`,
      `99999999999999999999.${mac}`,
    ]) {
      expect(verifyReplyKey(SECRET, bad), bad).toBeNull();
    }
  });

  it('finds the key in a reply address of the configured domain only', () => {
    expect(keyOfReplyAddress('tasks+42.abc@Replies.Example.com', 'replies.example.com')).toBe('42.abc');
    expect(keyOfReplyAddress(' tasks+42.abc@replies.example.com ', 'replies.example.com')).toBe('42.abc');
    expect(keyOfReplyAddress('tasks+42.abc@evil.example.com', 'replies.example.com')).toBeNull();
    expect(keyOfReplyAddress('okr@replies.example.com', 'replies.example.com')).toBeNull();
    expect(keyOfReplyAddress('tasks@replies.example.com', 'replies.example.com')).toBeNull();
  });
});
