-- The schema of commit ba08d9d (schema version 1); written by generate.py

CREATE TABLE schema_version (
	version INTEGER NOT NULL, 
	applied_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (version)
);

CREATE TABLE account_requests (
	id SERIAL NOT NULL, 
	member_id VARCHAR(20) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	phone VARCHAR(30), 
	programme VARCHAR(100) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	status VARCHAR(16) DEFAULT 'pending' NOT NULL, 
	consent_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	consent_version VARCHAR(32) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_request_role CHECK (role IN ('student', 'lecturer', 'staff'))
);

CREATE INDEX ix_request_status_created ON account_requests (status, created_at);

CREATE UNIQUE INDEX uq_open_request_member ON account_requests (member_id) WHERE status = 'pending';

CREATE TABLE audit_log (
	id SERIAL NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	outcome VARCHAR(32) NOT NULL, 
	reason VARCHAR(200), 
	request_id INTEGER, 
	PRIMARY KEY (id)
);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE rate_limits (
	key VARCHAR(64) NOT NULL, 
	window_start INTEGER NOT NULL, 
	hits INTEGER NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE library_members (
	member_key VARCHAR(20) NOT NULL, 
	member_id VARCHAR(20) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	email VARCHAR(100), 
	member_type VARCHAR(50), 
	inst_name VARCHAR(100), 
	expire_date DATE, 
	is_pending BOOLEAN, 
	imported_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (member_key)
);

CREATE TABLE accounts (
	id SERIAL NOT NULL, 
	member_id VARCHAR(20) NOT NULL, 
	request_id INTEGER, 
	email VARCHAR(254) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	password_hash VARCHAR(255), 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	activated_at TIMESTAMP WITH TIME ZONE, 
	password_changed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_account_status CHECK (status IN ('pending_activation', 'active', 'disabled')), 
	UNIQUE (member_id)
);

CREATE TABLE librarians (
	id SERIAL NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	email VARCHAR(254), 
	password_hash VARCHAR(255), 
	totp_secret VARCHAR(64), 
	totp_last_step INTEGER, 
	active BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);

CREATE TABLE tokens (
	id SERIAL NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	purpose VARCHAR(32) NOT NULL, 
	subject_id INTEGER NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	used_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (token_hash)
);

CREATE INDEX ix_tokens_subject ON tokens (purpose, subject_id);

CREATE TABLE sessions (
	id VARCHAR(64) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	user_id INTEGER NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	revoked_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_session_kind CHECK (kind IN ('patron', 'librarian'))
);

CREATE INDEX ix_sessions_user ON sessions (kind, user_id);

CREATE TABLE login_failures (
	id SERIAL NOT NULL, 
	key VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_login_failures_key ON login_failures (key, created_at);

CREATE TABLE outbox (
	id SERIAL NOT NULL, 
	to_address VARCHAR(254) NOT NULL, 
	subject VARCHAR(200) NOT NULL, 
	body TEXT NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	sent_at TIMESTAMP WITH TIME ZONE, 
	last_error VARCHAR(200), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_outbox_due ON outbox (sent_at, next_attempt_at);

CREATE TABLE resource_clicks (
	resource_id VARCHAR(64) NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	clicks INTEGER NOT NULL, 
	PRIMARY KEY (resource_id, month)
);

CREATE TABLE request_decisions (
	request_id INTEGER NOT NULL, 
	decision VARCHAR(16) NOT NULL, 
	decided_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	decided_by VARCHAR(64) NOT NULL, 
	reason VARCHAR(200), 
	account_id INTEGER, 
	PRIMARY KEY (request_id), 
	CONSTRAINT ck_decision CHECK (decision IN ('approved', 'rejected'))
);

CREATE TABLE review_markers (
	name VARCHAR(32) NOT NULL, 
	value TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (name)
);

CREATE TABLE extension_requests (
	id SERIAL NOT NULL, 
	account_id INTEGER NOT NULL, 
	loan_id INTEGER NOT NULL, 
	item_code VARCHAR(20) NOT NULL, 
	title TEXT NOT NULL, 
	due_date DATE NOT NULL, 
	note VARCHAR(500), 
	status VARCHAR(16) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	decided_at TIMESTAMP WITH TIME ZONE, 
	decided_by INTEGER, 
	decision_note VARCHAR(500), 
	new_due_date DATE, 
	slims_updated BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_extension_status CHECK (status IN ('pending', 'granted', 'declined'))
);

CREATE INDEX ix_extension_account ON extension_requests (account_id, loan_id);

CREATE UNIQUE INDEX uq_open_extension_loan ON extension_requests (loan_id) WHERE status = 'pending';
