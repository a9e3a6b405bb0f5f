/** The templates moved to mail/templates/; kept so that existing importers keep working. */
export * from '../mail/templates';
