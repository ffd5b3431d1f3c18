"""The project file's schema, as numbered migrations.

``PRAGMA user_version`` holds the number of the last migration applied. To
change the schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the first schema (see docs/ARCHITECTURE.md for the data model)
    """
    CREATE TABLE setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE "case" (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE attribute (
        case_id INTEGER NOT NULL REFERENCES "case"(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        type TEXT NOT NULL DEFAULT 'text' CHECK (type IN ('text', 'number', 'date')),
        PRIMARY KEY (case_id, key)
    );
    CREATE TABLE source (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('transcript', 'survey', 'document')),
        name TEXT NOT NULL UNIQUE,
        grp TEXT,
        text TEXT NOT NULL,
        hash TEXT NOT NULL,
        case_id INTEGER REFERENCES "case"(id),
        imported_at TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX source_hash ON source(hash);
    CREATE TABLE segment (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        speaker TEXT,
        t_start REAL,
        t_end REAL,
        case_id INTEGER REFERENCES "case"(id),
        words INTEGER NOT NULL DEFAULT 0,
        CHECK (0 <= start AND start <= "end")
    );
    CREATE INDEX segment_source ON segment(source_id, ordinal);
    CREATE INDEX segment_case ON segment(case_id);
    CREATE VIRTUAL TABLE segment_fts USING fts5(
        text,
        tokenize = "unicode61 remove_diacritics 0",
        prefix = '2 3'
    );
    CREATE TABLE code (
        id TEXT PRIMARY KEY,
        parent_id TEXT REFERENCES code(id) ON UPDATE CASCADE ON DELETE SET NULL,
        label TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        colour TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '[]',
        examples TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE coding (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        code_id TEXT NOT NULL REFERENCES code(id) ON UPDATE CASCADE ON DELETE CASCADE,
        coder TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggested', 'auto', 'imported')),
        created_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active',
        CHECK (0 <= start AND start < "end")
    );
    CREATE INDEX coding_source ON coding(source_id, start);
    CREATE INDEX coding_code ON coding(code_id);
    CREATE TABLE memo (
        id INTEGER PRIMARY KEY,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('project', 'source', 'segment', 'code', 'coding')),
        target_id TEXT NOT NULL,
        text TEXT NOT NULL,
        coder TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX memo_target ON memo(target_kind, target_id);
    CREATE TABLE quote (
        coding_id INTEGER PRIMARY KEY REFERENCES coding(id) ON DELETE CASCADE,
        report_text TEXT,
        marked INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE suggestion (
        segment_id INTEGER NOT NULL REFERENCES segment(id) ON DELETE CASCADE,
        code_id TEXT NOT NULL REFERENCES code(id) ON UPDATE CASCADE ON DELETE CASCADE,
        score REAL NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        decision TEXT CHECK (decision IN ('accepted', 'rejected')),
        decided_by TEXT,
        decided_at TEXT,
        PRIMARY KEY (segment_id, code_id)
    );
    CREATE TABLE action (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        coder TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        undone INTEGER NOT NULL DEFAULT 0
    );
    """,
    # 2: the anonymisation check: decisions on candidate identifiers, the pseudonyms given.
    # ``text_hash`` is a salted SHA-256 of the identifier (salt: setting ``anonymise_salt``); ``text`` is kept in
    # clear only for dismissed candidates (not identifiers, by the researcher's judgement), never for
    # pseudonymised ones, so the file keeps no copy of a name it was asked to remove.
    """
    CREATE TABLE identifier_decision (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        text TEXT,
        decision TEXT NOT NULL CHECK (decision IN ('dismissed', 'pseudonymised')),
        replacement TEXT,
        coder TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        UNIQUE (kind, text_hash),
        CHECK (decision = 'dismissed' OR text IS NULL)
    );
    CREATE INDEX identifier_decision_hash ON identifier_decision(text_hash);
    """,
    # 3: the NLP cache: each segment's tokens, lemmas, compound parts and entities, per pipeline (coder.nlp.annotate),
    # and an index of the lemmas and compound parts (search finds "henvisning" in "henvisningspraksisen")
    """
    CREATE TABLE segment_nlp (
        segment_id INTEGER PRIMARY KEY REFERENCES segment(id) ON DELETE CASCADE,
        text_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE segment_lemma_fts USING fts5(
        lemmas,
        tokenize = "unicode61 remove_diacritics 0"
    );
    CREATE TRIGGER segment_nlp_unindex AFTER DELETE ON segment_nlp BEGIN
        DELETE FROM segment_lemma_fts WHERE rowid = old.segment_id;
    END;
    """,
    # 4: code suggestions. The first schema's suggestion table (never written) gets an id, so an accept or reject
    # is an undoable action like any other; the learned model is kept with the project, tied to the codebook.
    """
    DROP TABLE suggestion;
    CREATE TABLE suggestion (
        id INTEGER PRIMARY KEY,
        segment_id INTEGER NOT NULL REFERENCES segment(id) ON DELETE CASCADE,
        code_id TEXT NOT NULL REFERENCES code(id) ON UPDATE CASCADE ON DELETE CASCADE,
        score REAL NOT NULL,
        evidence TEXT NOT NULL DEFAULT '{}',
        decision TEXT CHECK (decision IN ('accepted', 'rejected')),
        decided_by TEXT,
        decided_at TEXT,
        UNIQUE (segment_id, code_id)
    );
    CREATE INDEX suggestion_decision ON suggestion(decision, code_id);
    CREATE TABLE suggest_model (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL,
        trained_at TEXT NOT NULL,
        decisions INTEGER NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        data BLOB NOT NULL
    );
    """,
    # 5: the embedding cache: each segment's sentence embedding (float16 bytes, coder.nlp.embeddings), with the
    # model that made it and a hash of the text it was made from, like the NLP cache (rows go stale, not away).
    """
    CREATE TABLE segment_embedding (
        segment_id INTEGER PRIMARY KEY REFERENCES segment(id) ON DELETE CASCADE,
        text_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    );
    """,
    # 6: how each coding came to be (coder.coding.provenance): for a suggestion accepted or auto-coded, the score, the
    # code's threshold, the layers' parts and the model that scored it; for an imported one, the file. JSON, NULL
    # for coding by hand. A column, not a table: it belongs to the coding row, so undo, merge and deletion carry it.
    """
    ALTER TABLE coding ADD COLUMN provenance TEXT;
    """,
    # 7: sessions. Each connection that logs an action is a session (which program, process and machine, since
    # when); each action says which session did it and, once undone, which session undid it. Undo in a session takes
    # back that session's own actions, never those of another coder process working beside it (coder.store.changes).
    # NULL for actions logged before: they belong to no running session.
    """
    CREATE TABLE session (
        id TEXT PRIMARY KEY,
        program TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        started_at TEXT NOT NULL
    );
    ALTER TABLE action ADD COLUMN session TEXT;
    ALTER TABLE action ADD COLUMN undone_by TEXT;
    CREATE INDEX action_session ON action(session, undone);
    """,
    # 8: presence (issue 20). A session row per open coding screen says who (coder), and, while it is open, when it
    # was last seen (a heartbeat every few seconds); ended_at once it closed. A row whose process is gone from this
    # machine, or whose heartbeat is stale, is not shown (coder.store.team: present()) and is closed by the next look.
    """
    ALTER TABLE session ADD COLUMN coder TEXT;
    ALTER TABLE session ADD COLUMN seen_at TEXT;
    ALTER TABLE session ADD COLUMN ended_at TEXT;
    """,
    # 9: revisions (issue 21). A counter per table of what a source is made of (its text, its segments, the cases and
    # their attributes), moved by triggers on every row written by any connection. The coding screen keeps a
    # 50,000-answer question's segments and respondents until these move, instead of until anything is written (a
    # coding made them read again: a tenth of a second each).
    """
    CREATE TABLE revision (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
    INSERT INTO revision (name, n) VALUES ('source', 0), ('segment', 0), ('case', 0), ('attribute', 0);
    CREATE TRIGGER revision_source_i AFTER INSERT ON source
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'source'; END;
    CREATE TRIGGER revision_source_u AFTER UPDATE ON source
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'source'; END;
    CREATE TRIGGER revision_source_d AFTER DELETE ON source
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'source'; END;
    CREATE TRIGGER revision_segment_i AFTER INSERT ON segment
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'segment'; END;
    CREATE TRIGGER revision_segment_u AFTER UPDATE ON segment
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'segment'; END;
    CREATE TRIGGER revision_segment_d AFTER DELETE ON segment
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'segment'; END;
    CREATE TRIGGER revision_case_i AFTER INSERT ON "case"
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'case'; END;
    CREATE TRIGGER revision_case_u AFTER UPDATE ON "case"
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'case'; END;
    CREATE TRIGGER revision_case_d AFTER DELETE ON "case"
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'case'; END;
    CREATE TRIGGER revision_attribute_i AFTER INSERT ON attribute
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'attribute'; END;
    CREATE TRIGGER revision_attribute_u AFTER UPDATE ON attribute
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'attribute'; END;
    CREATE TRIGGER revision_attribute_d AFTER DELETE ON attribute
        BEGIN UPDATE revision SET n = n + 1 WHERE name = 'attribute'; END;
    """,
]

LATEST = len(MIGRATIONS)
