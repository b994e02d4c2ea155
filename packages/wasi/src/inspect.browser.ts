// The browser build's inspect.ts: a small stand-in for Node's `util.inspect`, used only in error messages about
// bad options (the messages keep Node's shape; the value is shown more plainly).
export function inspect(value: unknown, _options?: { depth?: number; colors?: boolean }): string {
  switch (typeof value) {
    case 'string':
      return `'${value}'`;
    case 'bigint':
      return `${value}n`;
    case 'symbol':
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'function':
      return `[Function: ${(value as { name?: string }).name || '(anonymous)'}]`;
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[ ${value.length} item(s) ]`;
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return Object.prototype.toString.call(value);
      }
  }
}
