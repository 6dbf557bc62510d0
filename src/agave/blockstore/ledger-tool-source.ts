import type { LedgerTool } from '../ledger-tool/ledger-tool.js';
import type { BlockstoreQuery, BlockstoreReport, BlockstoreSource, LedgerToolInfo } from './blockstore-source.js';

/** The blockstore range as `agave-ledger-tool bounds` reports it. */
export class LedgerToolBlockstoreSource implements BlockstoreSource {
  readonly id = 'ledger-tool' as const;

  constructor(
    private readonly tool: LedgerTool,
    private readonly info: LedgerToolInfo,
  ) {}

  async read(query: BlockstoreQuery): Promise<BlockstoreReport> {
    const bounds = await this.tool.bounds(query.ledger);
    return { source: this.id, slots: bounds.slots, roots: bounds.roots, ledgerTool: this.info };
  }
}
