/** Moved to kinds/ (one folder per kind); kept so that existing importers keep working. */
export * from '../../kinds';
