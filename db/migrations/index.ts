/** The ordered list of migrations. Add a new file and one line here; never edit an old one. */
import type { Migration } from 'kysely';
import * as initial from './2026_11_27_0001_initial';
import * as fullCycle from './2026_11_27_0002_full_cycle';
import * as stalls from './2026_11_27_0003_stalls';
import * as outbox from './2026_12_02_0030_outbox';
import * as peopleTimeZone from './2026_12_02_0050_people_time_zone';
import * as sessions from './2026_12_02_0060_sessions';
import * as reminders from './2026_12_02_0070_reminders';
import * as executionItemLinks from './2026_12_03_0201_execution_item_links';
import * as teamHomes from './2026_12_03_0300_team_homes';
import * as awardDetails from './2026_12_03_0401_award_details';
import * as dashboardIndexes from './2026_12_03_0500_dashboard_indexes';
import * as awardBonusDrafts from './2026_12_04_0101_award_bonus_drafts';
import * as awardsRuns from './2026_12_04_0300_awards_runs';

export const migrations: Record<string, Migration> = {
  '2026_11_27_0001_initial': initial,
  '2026_11_27_0002_full_cycle': fullCycle,
  '2026_11_27_0003_stalls': stalls,
  '2026_12_02_0030_outbox': outbox,
  '2026_12_02_0050_people_time_zone': peopleTimeZone,
  '2026_12_02_0060_sessions': sessions,
  '2026_12_02_0070_reminders': reminders,
  '2026_12_03_0201_execution_item_links': executionItemLinks,
  '2026_12_03_0300_team_homes': teamHomes,
  '2026_12_03_0401_award_details': awardDetails,
  '2026_12_03_0500_dashboard_indexes': dashboardIndexes,
  '2026_12_04_0101_award_bonus_drafts': awardBonusDrafts,
  '2026_12_04_0300_awards_runs': awardsRuns,
};
