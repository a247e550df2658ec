// Neo4j schema of the hub's graph: constraints and indexes, applied statement by
// statement on every start; every statement is idempotent (IF NOT EXISTS).
// Node properties follow hub/domain.py; instants are stored as UTC DateTime and an
// event's original zone lives in its `timezone` property, exactly as on LadybugDB.

CREATE CONSTRAINT space_id IF NOT EXISTS FOR (n:Space) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT theme_id IF NOT EXISTS FOR (n:Theme) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (n:Actor) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT import_run_id IF NOT EXISTS FOR (n:ImportRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT feed_document_id IF NOT EXISTS FOR (n:FeedDocument) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT erasure_id IF NOT EXISTS FOR (n:Erasure) REQUIRE n.id IS UNIQUE;

CREATE INDEX event_start IF NOT EXISTS FOR (n:Event) ON (n.start);
CREATE INDEX event_status IF NOT EXISTS FOR (n:Event) ON (n.status);
CREATE INDEX actor_kind IF NOT EXISTS FOR (n:Actor) ON (n.kind);
CREATE INDEX actor_name IF NOT EXISTS FOR (n:Actor) ON (n.name);
CREATE INDEX import_run_source IF NOT EXISTS FOR (n:ImportRun) ON (n.source_key);
CREATE INDEX feed_document_source IF NOT EXISTS FOR (n:FeedDocument) ON (n.source_key);
CREATE INDEX event_source IF NOT EXISTS FOR (n:Event) ON (n.source);
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at);

// `search_text` is already folded (lower case, umlauts transcribed) by the hub, so a
// whitespace analyzer gives the same words LadybugDB's prefix match sees.
CREATE FULLTEXT INDEX hub_search IF NOT EXISTS FOR (n:Space|Theme|Actor|Project|Event) ON EACH [n.search_text] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}};

// The graph version (GraphStore.graph_version): one node, raised by every content write.
CREATE CONSTRAINT graph_meta_id IF NOT EXISTS FOR (n:GraphMeta) REQUIRE n.id IS UNIQUE;
