/** gRPC status codes, as Flipt puts them in error bodies (`code`). */
export const GrpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/** The HTTP statuses the relay answers with. */
export const HttpStatus = {
  Ok: 200,
  NoContent: 204,
  NotModified: 304,
  BadRequest: 400,
  Unauthorized: 401,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  RequestTimeout: 408,
  PayloadTooLarge: 413,
  UriTooLong: 414,
  InternalServerError: 500,
} as const;
