/** An input the importer cannot read: names the file (and line when known). */
export class ImportError extends Error {
  constructor(
    message: string,
    public readonly file: string,
    public readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'ImportError';
  }
}
