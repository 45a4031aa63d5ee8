import { Client, errors, estypes } from '@elastic/elasticsearch';
import {
  HistoryPageQuery,
  HistoryRecord,
  HistoryScope,
  HistorySearchQuery,
  HistoryStore,
  PartialWriteError,
  TranslateUnavailable,
} from '@app/core';
import { isElasticsearchUnavailable } from './elasticsearch-unavailable';

export interface ElasticsearchHistoryOptions {
  index: string;
  /**
   * Default `wait_for`: index() resolves once the records are searchable. Each call then waits for the next refresh
   * (1 s interval), so one sequential writer indexes at most one batch per second; `false` trades that for a ≤ 1 s lag.
   */
  refresh?: 'wait_for' | boolean;
}

/** What is stored per message: the record plus a diacritic-folded copy of the body for search. */
interface HistoryDocument extends HistoryRecord {
  bodyFolded: string;
}

/**
 * What stands in for a discarded message under its id: no conversation, participants or group, so no query matches
 * it, and a late `create` of the message meets it and is refused (409, counted as stored).
 */
interface DiscardedDocument {
  messageId: string;
  discarded: true;
}

/**
 * Only core analysis is used: the minimal distribution has no analysis-common, hence no asciifolding or custom
 * analyzers. The standard analyzer already splits on Unicode word boundaries and lowercases ('café', 'MIDI' match).
 * Accent-insensitive matching ('cafe' ↔ 'café', like the SQLite adapter's FTS5) comes from `bodyFolded`: the
 * application folds the body when indexing and the query text when searching.
 */
const MAPPINGS: estypes.MappingTypeMapping = {
  // Unknown fields stay in _source but are not indexed, so a stray field cannot grow the mapping.
  dynamic: false,
  properties: {
    messageId: { type: 'keyword' },
    conversationId: { type: 'keyword' },
    senderId: { type: 'keyword' },
    receiverId: { type: 'keyword' },
    groupId: { type: 'keyword' },
    participants: { type: 'keyword' },
    type: { type: 'integer' },
    body: { type: 'text', analyzer: 'standard' },
    bodyFolded: { type: 'text', analyzer: 'standard' },
    createdAt: { type: 'date', format: 'epoch_millis' },
    recalled: { type: 'boolean' },
  },
};

const SETTINGS: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  // Green on a single node, one replica as soon as a second node joins.
  auto_expand_replicas: '0-1',
};

/**
 * History and search on Elasticsearch 8 (see docs/architecture.md, 'Ports and adapters'): one document per message,
 * `_id` = messageId.
 */
@TranslateUnavailable('elasticsearch', isElasticsearchUnavailable)
export class ElasticsearchHistoryStore implements HistoryStore {
  private readonly indexName: string;
  private readonly refresh: 'wait_for' | boolean;

  constructor(
    private readonly client: Client,
    options: ElasticsearchHistoryOptions,
  ) {
    this.indexName = options.index;
    this.refresh = options.refresh ?? 'wait_for';
  }

  /** Creates the index with its explicit mapping, or adds missing fields to an existing one (fails on a type clash). */
  async ensureIndex(): Promise<void> {
    const index = this.indexName;
    if (await this.client.indices.exists({ index })) {
      await this.client.indices.putMapping({ index, ...MAPPINGS });
      return;
    }
    try {
      await this.client.indices.create({ index, settings: SETTINGS, mappings: MAPPINGS });
    } catch (err) {
      // Another process won the race: its mapping is ours.
      if (!(err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception'))
        throw err;
    }
  }

  async index(records: HistoryRecord[]): Promise<void> {
    const unique = new Map(records.map((r) => [r.messageId, toDocument(r)]));
    // `create`, not `index`: a redelivered message must not overwrite a later change such as a recall (409: kept)
    await this.bulkWrite('create', unique, 'history bulk indexing');
  }

  async discard(messageIds: string[]): Promise<void> {
    const tombstones = new Map(messageIds.map((messageId) => [messageId, { messageId, discarded: true } as const]));
    // `index` (overwrite), not `create`: the tombstone replaces the message if it was stored first
    await this.bulkWrite('index', tombstones, 'history discard');
  }

  /** One `_bulk` of `action` per document (by id); the ids that failed (a 409 on `create` is not a failure) are thrown. */
  private async bulkWrite(
    action: 'create' | 'index',
    documents: Map<string, HistoryDocument | DiscardedDocument>,
    what: string,
  ): Promise<void> {
    if (documents.size === 0) return;
    const operations = [...documents].flatMap(([id, document]) => [
      { [action]: { _index: this.indexName, _id: id } },
      document,
    ]);
    const response = await this.client.bulk({ operations, refresh: this.refresh });
    if (!response.errors) return;
    const failed = response.items
      .map((item) => item[action])
      .filter((item) => item?.error && !(action === 'create' && item.status === 409));
    if (failed.length === 0) return;
    const first = failed[0]!;
    throw new PartialWriteError(
      failed.map((item) => item!._id!),
      `${what} failed for ${failed.length} of ${documents.size} messages: ${first.error?.type}: ${first.error?.reason}`,
    );
  }

  async page(query: HistoryPageQuery): Promise<HistoryRecord[]> {
    if (query.limit <= 0) return [];
    // search_after rather than a range filter: range queries on keyword fields are refused on clusters that set
    // search.allow_expensive_queries=false. The cursor itself is excluded (strictly after in sort order).
    return this.query({
      query: { bool: { filter: [{ term: { conversationId: query.conversationId } }] } },
      sort: [{ messageId: 'desc' }],
      search_after: query.before ? [query.before] : undefined,
      size: query.limit,
    });
  }

  async find(messageId: string): Promise<HistoryRecord | undefined> {
    const response = await this.client.get<HistoryDocument | DiscardedDocument>(
      { index: this.indexName, id: messageId, _source_excludes: ['bodyFolded'] },
      { ignore: [404] },
    );
    const doc = response.found ? response._source : undefined;
    return doc && !('discarded' in doc) ? toRecord(doc) : undefined;
  }

  /** A partial update: `recalled` set, body and its folded copy emptied, so the text is neither served nor searchable. */
  async markRecalled(messageId: string): Promise<boolean> {
    if (!(await this.find(messageId))) return false; // unknown, or a discarded message's tombstone
    try {
      await this.client.update<HistoryDocument, Partial<HistoryDocument>>({
        index: this.indexName,
        id: messageId,
        doc: { recalled: true, body: '', bodyFolded: '' },
        refresh: this.refresh,
        retry_on_conflict: 3,
      });
      return true;
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 404) return false;
      throw err;
    }
  }

  async search(query: HistorySearchQuery): Promise<HistoryRecord[]> {
    const text = query.text.trim();
    if (!text || query.limit <= 0) return [];
    const filter = [scopeFilter(query.scope)];
    if (query.conversationId) filter.push({ term: { conversationId: query.conversationId } });
    // `match` analyzes the text as plain words: quotes, brackets and AND/OR are never parsed as query syntax.
    const words = (field: string, value: string, boost?: number): estypes.QueryDslQueryContainer => ({
      match: { [field]: { query: value, operator: 'and', boost } },
    });
    return this.query({
      query: {
        bool: {
          must: [{ dis_max: { queries: [words('body', text.normalize('NFC'), 2), words('bodyFolded', fold(text))] } }],
          filter,
          must_not: [{ term: { recalled: true } }],
        },
      },
      sort: ['_score', { messageId: 'desc' }],
      size: query.limit,
    });
  }

  async latestPerConversation(scope: HistoryScope, limit: number): Promise<HistoryRecord[]> {
    if (limit <= 0) return [];
    // Collapse keeps the first hit of each conversation in sort order, and orders conversations by that hit.
    return this.query({
      query: { bool: { filter: [scopeFilter(scope)] } },
      collapse: { field: 'conversationId' },
      sort: [{ createdAt: 'desc' }, { messageId: 'desc' }],
      size: limit,
    });
  }

  async ping(): Promise<void> {
    const health = await this.client.cluster.health({ timeout: '5s' });
    if (health.status === 'red') throw new Error(`Elasticsearch cluster ${health.cluster_name} is red`);
  }

  private async query(request: Omit<estypes.SearchRequest, 'index'>): Promise<HistoryRecord[]> {
    const response = await this.client.search<HistoryDocument>({
      index: this.indexName,
      track_total_hits: false,
      _source: { excludes: ['bodyFolded'] },
      ...request,
    });
    return response.hits.hits.flatMap((hit) => (hit._source ? [toRecord(hit._source)] : []));
  }
}

/** A caller reads their own 1:1 messages (by participant) and the messages of their groups. */
function scopeFilter(scope: HistoryScope): estypes.QueryDslQueryContainer {
  const should: estypes.QueryDslQueryContainer[] = [{ term: { participants: scope.userId } }];
  if (scope.groupIds.length > 0) should.push({ terms: { groupId: scope.groupIds } });
  return { bool: { should, minimum_should_match: 1 } };
}

/**
 * Compatibility forms unified (full-width letters, ligatures) and combining marks dropped from Latin letters only;
 * other scripts keep their marks, which carry meaning there. NFC at the end recomposes Hangul and the like.
 */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
}

function toDocument(r: HistoryRecord): HistoryDocument {
  return { ...r, recalled: r.recalled ?? false, bodyFolded: fold(r.body) };
}

function toRecord(doc: HistoryDocument): HistoryRecord {
  const record: HistoryRecord = {
    messageId: doc.messageId,
    type: doc.type,
    conversationId: doc.conversationId,
    senderId: doc.senderId,
    participants: doc.participants ?? [],
    body: doc.body,
    createdAt: doc.createdAt,
  };
  if (doc.receiverId !== undefined) record.receiverId = doc.receiverId;
  if (doc.groupId !== undefined) record.groupId = doc.groupId;
  if (doc.recalled) record.recalled = true;
  return record;
}
