import { BlockstoreFormatError } from '../../core/errors.js';

/** The format has a feature this reader does not implement: say which, never guess. */
export function unsupported(what: string, file?: string): BlockstoreFormatError {
  return new BlockstoreFormatError(`${file === undefined ? '' : `${file}: `}${what} is not supported by the native RocksDB reader.`, 'unsupported', file, {
    hint: 'Use --bounds-from ledger-tool for this ledger, and report the message so the reader can learn the format.',
  });
}

/** The bytes contradict the format. */
export function corrupt(what: string, file?: string): BlockstoreFormatError {
  return new BlockstoreFormatError(`${file === undefined ? '' : `${file}: `}${what}.`, 'corrupt', file, {
    hint: 'The file may be damaged, or still being written; try again, or use --bounds-from ledger-tool.',
  });
}

export { isErrno } from '../../core/fs-errors.js';
