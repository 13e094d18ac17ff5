// `@flagcast/core/network`: following a Flipt server or relay from a server process (the relay
// follows its upstream with it). Browser apps use `createFlagClient`, which builds on the same.
export { createNetworkSource, type NetworkSource, type NetworkSink, type NetworkSourceOptions } from './transport/networkSource.js';
export { FOLLOWER_DEFAULTS } from './transport/followerDefaults.js';
export type { Endpoint, ServerApi } from './transport/endpoints.js';
export type { ConnectionState } from './transport/connectionLoop.js';
