// LadybugDB schema of the hub's graph. Applied statement by statement on every start;
// every statement is idempotent. Node tables must match hub/domain.py
// (tests/test_schema_files.py checks it). Instants are TIMESTAMP in UTC: LadybugDB keeps
// no offset, so an event's original zone lives in its `timezone` column.
// `search_text` holds the folded, space-prefixed words that text search matches.

CREATE NODE TABLE IF NOT EXISTS Space(id STRING PRIMARY KEY, name STRING, short_name STRING, city STRING, host STRING, latitude DOUBLE, longitude DOUBLE, website STRING, search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS Theme(id STRING PRIMARY KEY, label_de STRING, label_en STRING, synonyms STRING[], parent_id STRING, search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS Actor(id STRING PRIMARY KEY, name STRING, kind STRING, aliases STRING[], home_space_id STRING, websites STRING[], email STRING, phone STRING, description STRING, resolution STRING[], curated STRING[], search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS Project(id STRING PRIMARY KEY, name STRING, aliases STRING[], description STRING, website STRING, curated STRING[], search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS Event(id STRING PRIMARY KEY, title STRING, description STRING, start TIMESTAMP, `end` TIMESTAMP, timezone STRING, all_day BOOLEAN, status STRING, attendance STRING, location_name STRING, address STRING, latitude DOUBLE, longitude DOUBLE, url STRING, categories STRING[], keywords STRING[], cost STRING, removed_at TIMESTAMP, curated STRING[], search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS ImportRun(id STRING PRIMARY KEY, source_key STRING, started_at TIMESTAMP, finished_at TIMESTAMP, status STRING, new INT64, changed INT64, cancelled INT64, unchanged INT64, removed INT64, failed INT64, errors STRING[], warnings STRING[], changes STRING[], search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS FeedDocument(id STRING PRIMARY KEY, url STRING, source_key STRING, etag STRING, last_modified STRING, fetched_at TIMESTAMP, next_url STRING, search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS ApiKey(id STRING PRIMARY KEY, name STRING, role STRING, space_id STRING, secret_hash STRING, created_at TIMESTAMP, revoked_at TIMESTAMP, search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS AuditEntry(id STRING PRIMARY KEY, at TIMESTAMP, who STRING, role STRING, action STRING, target STRING, before STRING, after STRING, search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE NODE TABLE IF NOT EXISTS Erasure(id STRING PRIMARY KEY, erased_at TIMESTAMP, name_keys STRING[], search_text STRING, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
// The graph version (GraphStore.graph_version): one row, raised by every content write.
CREATE NODE TABLE IF NOT EXISTS GraphMeta(id STRING PRIMARY KEY, version INT64);

CREATE REL TABLE IF NOT EXISTS ORGANISES(FROM Actor TO Event, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS PRESENTS_AT(FROM Actor TO Event, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS SPONSORS(FROM Actor TO Event, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS PARTNERS_IN(FROM Actor TO Event, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS ATTENDS(FROM Actor TO Event, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS HOSTED_BY(FROM Event TO Space, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS ABOUT(FROM Event TO Theme, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS PART_OF(FROM Event TO Project, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS CONTRIBUTES_TO(FROM Actor TO Project, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
CREATE REL TABLE IF NOT EXISTS ACTIVE_IN(FROM Actor TO Space, source STRING, source_id STRING, sources STRING[], first_seen TIMESTAMP, last_seen TIMESTAMP, content_hash STRING);
