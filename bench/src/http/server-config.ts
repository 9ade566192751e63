/** What the parent tells each server process: where the keys live and what to accept. */
export interface ServerConfig {
  issuer: string;
  jwksUri: string;
  audience: string;
}

/** Starts one contender's server on 127.0.0.1, port 0; resolves with the port. */
export type StartServer = (config: ServerConfig) => Promise<number>;

/** Messages between the parent and a server process. */
export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'usage'; cpuMicros: number; rss: number };

/** The body every protected GET answers with. */
export interface SubjectBody {
  sub: string | null;
}
