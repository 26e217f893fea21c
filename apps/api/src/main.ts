// Replaced by the API bootstrap.
export {};
