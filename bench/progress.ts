/**
 * A plain-text progress bar on stderr: `launch  [#####.....] 5123/10000 mails  12.3 s`.
 * On a terminal it redraws one line (5 times a second); otherwise it prints a line per 10 %.
 */

const WIDTH = 30;

export interface Progress {
  /** Stops redrawing and ends the line. */
  done(note?: string): void;
}

export function progress(label: string, unit: string, read: () => { value: number; total: number }): Progress {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let lastDecile = -1;
  const line = () => {
    const { value, total } = read();
    const filled = total > 0 ? Math.min(WIDTH, Math.floor((value / total) * WIDTH)) : 0;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    return { text: `${label.padEnd(12)}[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${value}/${total} ${unit}  ${secs} s`, value, total };
  };
  const draw = () => {
    const { text, value, total } = line();
    if (tty) {
      process.stderr.write(`\r${text}\x1b[K`);
    } else {
      const decile = total > 0 ? Math.floor((value / total) * 10) : 0;
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${text}\n`);
      }
    }
  };
  draw();
  const timer = setInterval(draw, 200);
  return {
    done(note) {
      clearInterval(timer);
      const { text } = line();
      process.stderr.write(`${tty ? '\r' : ''}${text}${note ? `  ${note}` : ''}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
