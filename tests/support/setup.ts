// Every read of the status page sees every write before it (api/status-cache.ts).
process.env.HERALD_STATUS_STALE_MS = '0';

// A request line per HTTP call would drown test output; the logs test asks for its own level.
process.env.HERALD_LOG_LEVEL ??= 'warn';
