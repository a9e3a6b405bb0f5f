/**
 * The database as Kysely sees it: one interface per table, one `DB` that names them. Columns that
 * hold a kind, a status, a role or a locale are typed with the contract's unions, so reading one
 * needs no cast and writing a value outside the union does not compile.
 */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type {
  ApiKeyRole,
  CheckinSubmission,
  CycleKind,
  CycleStatus,
  EmailStatus,
  ExecutionItemSource,
  KeyResultInput,
  Locale,
  ObjectiveStatus,
  Phase,
  ReviewSubmission,
  Role,
  StallStatus,
  TaskKind,
  TaskStatus,
} from '../contract';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T extends object | null = object> = JSONColumnType<T, string, string>;

export interface PeopleTable {
  id: Generated<number>;
  email: string;
  name: string;
  manager_id: number | null;
  department: string | null;
  roles: ColumnType<Role[], Role[] | undefined, Role[]>;
  locale: Generated<Locale>;
  /** IANA time zone; null: the cycle's. */
  time_zone: ColumnType<string | null, string | null | undefined, string | null>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CyclesTable {
  id: Generated<number>;
  key: string;
  title: string;
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  schedule: Json;
  /** The normalised start request, to tell a repeated POST from a conflicting one. */
  request_fingerprint: string;
  status: Generated<CycleStatus>;
  workflow_id: string;
  created_by: string;
  created_at: Generated<Date>;
  hr_person_id: number | null;
  /** 'okr': a quarterly cycle; 'awards-run': a yearly awards run over the cycles in awards_run_cycles. */
  kind: Generated<CycleKind>;
}

/** The cycles whose OKRs a yearly awards run looks at. */
export interface AwardsRunCyclesTable {
  run_id: number;
  cycle_id: number;
}

export interface CycleParticipantsTable {
  cycle_id: number;
  person_id: number;
  batch_no: number;
  added_at: Generated<Date>;
  removed_at: NullableTimestamp;
  score: number | null;
  /** The overall comment of the participant's self-score. */
  self_score_comment: ColumnType<string | null, string | null | undefined, string | null>;
  /** The manager's overall comment on the calibration (sent with the final score). */
  calibration_comment: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TasksTable {
  id: Generated<number>;
  cycle_id: number;
  person_id: number;
  kind: TaskKind;
  phase: Phase;
  round: number;
  batch_no: number;
  workflow_id: string;
  status: Generated<TaskStatus>;
  due_at: Timestamp;
  token_hash: string;
  prefill: Json | null;
  result: Json | null;
  created_at: Generated<Date>;
  completed_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  subject_person_id: number | null;
  escalations_sent: Generated<number>;
}

export interface TaskEventsTable {
  id: Generated<string>;
  task_id: number;
  at: Generated<Date>;
  from_status: TaskStatus | null;
  to_status: TaskStatus;
  actor: string;
  detail: Json | null;
}

export interface ObjectivesTable {
  id: Generated<number>;
  cycle_id: number;
  owner_id: number | null;
  task_id: number | null;
  position: number;
  title: string;
  parent_objective_id: number | null;
  status: Generated<ObjectiveStatus>;
  created_at: Generated<Date>;
  score: number | null;
  round: Generated<number>;
}

export interface KeyResultsTable {
  id: Generated<number>;
  objective_id: number;
  position: number;
  title: string;
  kind: KeyResultInput['kind'];
  start_value: number | null;
  target_value: number | null;
  unit: string | null;
  current_value: number | null;
  confidence: number | null;
  self_score: number | null;
  score: number | null;
  done: boolean | null;
  score_comment: string | null;
}

export interface ReviewsTable {
  id: Generated<number>;
  task_id: number;
  cycle_id: number;
  reviewer_id: number;
  subject_id: number;
  round: number;
  decision: ReviewSubmission['decision'];
  comment: string | null;
  created_at: Generated<Date>;
}

export interface CheckinsTable {
  id: Generated<number>;
  task_id: number;
  cycle_id: number;
  person_id: number;
  week: number;
  confidence: number;
  report: Generated<string>;
  values: Json;
  created_at: Generated<Date>;
}

export interface ExecutionItemsTable {
  id: Generated<number>;
  cycle_id: number;
  person_id: number;
  key_result_id: number;
  checkin_id: number | null;
  week: number;
  /** project / task from a check-in; an integration may also add a weekly report. */
  kind: CheckinSubmission['items'][number]['kind'] | 'report';
  title: string;
  status: CheckinSubmission['items'][number]['status'];
  created_at: Generated<Date>;
  /** Where the item lives elsewhere (an integration's link). */
  url: ColumnType<string | null, string | null | undefined, string | null>;
  /** `checkin` (recorded by a check-in) or `api` (POST /api/key-results/{id}/execution-items). */
  source: ColumnType<ExecutionItemSource, ExecutionItemSource | undefined, ExecutionItemSource>;
  /** The integration's own id of the item, unique per key result. */
  external_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AbsencesTable {
  person_id: number;
  week_start: ColumnType<string, string, string>;
  created_at: Generated<Date>;
}

export interface NominationsTable {
  id: Generated<number>;
  cycle_id: number;
  task_id: number;
  nominator_id: number;
  objective_id: number | null;
  person_id: number | null;
  citation: string;
  winner: Generated<boolean>;
  created_at: Generated<Date>;
  /** HR's final pick (null until the nomination wins): the award, the certificate's citation, the bonus. */
  award_name: string | null;
  award_citation: string | null;
  /** numeric: pg returns it as a string. */
  bonus_amount: string | null;
  bonus_currency: string | null;
  awarded_at: Date | null;
  awarded_by: number | null;
}

/**
 * A bonus HR entered in a finalize task, kept here (never in the workflow nor in tasks.result)
 * from the API's check until the task's recording writes it onto the nomination and deletes it.
 */
export interface AwardBonusDraftsTable {
  task_id: number;
  nomination_id: number;
  /** numeric(14, 2): pg returns it as a string. */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
  created_at: Generated<Date>;
}

/** A further citation of a nomination: one row per later nominator of the same subject. */
export interface NominationCitationsTable {
  id: Generated<number>;
  nomination_id: number;
  nominator_id: number;
  task_id: number;
  citation: string;
  created_at: Generated<Date>;
}

export interface VotesTable {
  nomination_id: number;
  voter_id: number;
  task_id: number;
  created_at: Generated<Date>;
}

export interface EmailsTable {
  id: Generated<string>;
  idempotency_key: string;
  message_id: string;
  cycle_id: number | null;
  task_id: number | null;
  person_id: number | null;
  to_address: string;
  to_name: string;
  kind: string;
  data: Json;
  /** Which workflow owns the sending (so a batch sends only its own mail). */
  sender_ref: string;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  /** The SMTP answer (code and text) of the last failed attempt; null once sent. */
  last_error: string | null;
  last_attempt_at: NullableTimestamp;
  queued_at: Generated<Date>;
  sent_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  action: string;
  cycle_id: number | null;
  subject: string | null;
  detail: Json | null;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  role: ApiKeyRole;
  key_hash: string;
  created_at: Generated<Date>;
  revoked_at: NullableTimestamp;
}

export interface StallsTable {
  id: Generated<number>;
  stall_key: string;
  cycle_id: number | null;
  workflow_id: string;
  phase: string | null;
  step: string;
  since: Timestamp;
  last_failure: string;
  attempts: number;
  auto_retry_at: Timestamp;
  status: Generated<StallStatus>;
  resolved_by: string | null;
  resolution: string | null;
  resolved_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface SignInLinksTable {
  id: Generated<number>;
  person_id: number;
  /** Mixed into the link's HMAC so a link can be derived again for a resend (never the token itself). */
  salt: string;
  token_hash: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  send_attempts: Generated<number>;
  last_error: string | null;
}

export interface ConsoleSessionsTable {
  id: Generated<number>;
  person_id: number;
  token_hash: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  /** The absolute end; the idle end is last_seen_at + the idle limit. */
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
}

export interface DB {
  people: PeopleTable;
  cycles: CyclesTable;
  awards_run_cycles: AwardsRunCyclesTable;
  cycle_participants: CycleParticipantsTable;
  tasks: TasksTable;
  task_events: TaskEventsTable;
  objectives: ObjectivesTable;
  key_results: KeyResultsTable;
  emails: EmailsTable;
  audit_log: AuditLogTable;
  api_keys: ApiKeysTable;
  reviews: ReviewsTable;
  checkins: CheckinsTable;
  execution_items: ExecutionItemsTable;
  absences: AbsencesTable;
  nominations: NominationsTable;
  nomination_citations: NominationCitationsTable;
  votes: VotesTable;
  award_bonus_drafts: AwardBonusDraftsTable;
  stalls: StallsTable;
  sign_in_links: SignInLinksTable;
  console_sessions: ConsoleSessionsTable;
}

export type Person = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type Cycle = Selectable<CyclesTable>;
export type Task = Selectable<TasksTable>;
export type Email = Selectable<EmailsTable>;
