/** The part of s3rver 3.x (which ships no types) that the test helpers use. */
declare module 's3rver' {
  namespace S3rver {
    interface BucketConfig {
      name: string;
      configs?: Array<string | Buffer>;
    }

    interface Options {
      address?: string;
      port?: number;
      silent?: boolean;
      directory?: string;
      resetOnClose?: boolean;
      allowMismatchedSignatures?: boolean;
      vhostBuckets?: boolean;
      serviceEndpoint?: string;
      configureBuckets?: BucketConfig[];
    }
  }

  class S3rver {
    constructor(options?: S3rver.Options);
    /** Starts listening; resolves to the bound address. */
    run(): Promise<import('node:net').AddressInfo>;
    close(): Promise<void>;
    reset(): void;
  }

  export = S3rver;
}
