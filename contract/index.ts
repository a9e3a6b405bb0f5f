/** The contract shared by the API, the workflows and the activities. Workflow-safe: no Node imports. */
export * from './calendar';
export * from './cycles';
export * from './duration';
export * from './errors';
export * from './ids';
export * from './messages';
export * from './people';
export * from './plan';
export * from './plan-steps';
export * from './records';
export * from './tasks';
export * from './text';
