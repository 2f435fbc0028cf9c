-- =============================================================================
-- Bifrost options platform: reference schema
-- Single source of truth: app_django/apps/*/models.py. Keep this file in sync.
-- Run with: psql -d bifrost -f scripts/database/schema.sql
-- =============================================================================

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- -----------------------------------------------------------------------------
-- Version 1.0.0 (2024-03-01): initial schema
-- -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS stocks (
    id SERIAL PRIMARY KEY,
    symbol VARCHAR(10) NOT NULL UNIQUE,
    name VARCHAR(255),
    sector VARCHAR(100),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT now()
);

COMMENT ON TABLE stocks IS 'Tradable underlying symbols';
COMMENT ON COLUMN stocks.symbol IS 'Ticker, upper case';

CREATE TABLE IF NOT EXISTS option_contracts (
    id BIGSERIAL PRIMARY KEY,
    stock_id INTEGER NOT NULL REFERENCES stocks(id) ON DELETE CASCADE,
    contract_symbol VARCHAR(32) NOT NULL,
    option_type CHAR(4) NOT NULL CHECK (option_type IN ('CALL', 'PUT ')),
    strike NUMERIC(12, 4) NOT NULL CHECK (strike > 0),
    expiration DATE NOT NULL,
    multiplier INTEGER NOT NULL DEFAULT 100,
    CONSTRAINT uq_option_contracts_symbol UNIQUE (contract_symbol)
);

CREATE INDEX IF NOT EXISTS idx_option_contracts_stock ON option_contracts (stock_id);
CREATE INDEX IF NOT EXISTS idx_option_contracts_expiration ON option_contracts (expiration DESC);

CREATE TABLE IF NOT EXISTS option_snapshots (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL,
    captured_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    bid NUMERIC(12,4),
    ask NUMERIC(12,4),
    last NUMERIC(12,4),
    volume INTEGER DEFAULT 0,
    open_interest INTEGER DEFAULT 0,
    implied_volatility DOUBLE PRECISION,
    delta REAL,
    FOREIGN KEY (contract_id) REFERENCES option_contracts (id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS idx_option_snapshots_contract_time
    ON option_snapshots (contract_id, captured_at DESC);

CREATE TABLE IF NOT EXISTS strategy_history (
    id SERIAL PRIMARY KEY,
    strategy_name VARCHAR(64) NOT NULL,
    stock_id INTEGER REFERENCES stocks (id) ON DELETE SET NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    pnl NUMERIC(14, 2) DEFAULT 0,
    status VARCHAR(16) NOT NULL DEFAULT 'open',
    notes TEXT,
    CHECK (closed_at IS NULL OR closed_at >= opened_at)
);

CREATE TABLE IF NOT EXISTS market_conditions (
    id SERIAL PRIMARY KEY,
    observed_on DATE NOT NULL UNIQUE,
    vix NUMERIC(6, 2),
    spy_close NUMERIC(10, 2),
    regime VARCHAR(20) DEFAULT 'neutral'
);

CREATE TABLE IF NOT EXISTS collection_jobs (
    id SERIAL PRIMARY KEY,
    job_type VARCHAR(50) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    error_message TEXT,
    rows_written INTEGER NOT NULL DEFAULT 0 CHECK (rows_written >= 0)
);

CREATE INDEX IF NOT EXISTS idx_collection_jobs_status ON collection_jobs (status) WHERE status <> 'done';

-- Seed data
INSERT INTO stocks (symbol, name, sector) VALUES
    ('SPY', 'SPDR S&P 500; ETF', 'Index'),
    ('AAPL', 'Apple Inc.', 'Technology')
ON CONFLICT (symbol) DO NOTHING;

-- -----------------------------------------------------------------------------
-- Version 1.1.0 (2024-06-12)
--   - Added market_cap column to stocks table
--   - Added index on market_cap
--   - Migration: app_django/apps/options/migrations/0002_add_market_cap.py
-- -----------------------------------------------------------------------------

ALTER TABLE stocks ADD COLUMN IF NOT EXISTS market_cap BIGINT;
CREATE INDEX IF NOT EXISTS idx_stocks_market_cap ON stocks(market_cap);

-- -----------------------------------------------------------------------------
-- Version 1.2.0 (2024-09-30)
--   - strategy_history.status widened, note column renamed
--   - option_snapshots gets a mid price (generated)
-- -----------------------------------------------------------------------------

ALTER TABLE strategy_history ALTER COLUMN status TYPE VARCHAR(32);
ALTER TABLE strategy_history RENAME COLUMN notes TO comment;
ALTER TABLE option_snapshots ADD COLUMN IF NOT EXISTS mid NUMERIC(12,4) GENERATED ALWAYS AS ((bid + ask) / 2) STORED;
ALTER TABLE collection_jobs ADD COLUMN IF NOT EXISTS attempts SMALLINT NOT NULL DEFAULT 1;

-- -----------------------------------------------------------------------------
-- Version 1.3.0 (2025-01-20): accounts and orders
-- -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS accounts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    broker VARCHAR(40) NOT NULL,
    account_number VARCHAR(40) NOT NULL,
    base_currency CHAR(3) NOT NULL DEFAULT 'USD',
    opened_on DATE DEFAULT CURRENT_DATE,
    settings JSONB NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (broker, account_number)
);

CREATE TABLE IF NOT EXISTS orders (
    id BIGSERIAL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts ON DELETE RESTRICT,
    contract_id BIGINT REFERENCES option_contracts(id),
    side VARCHAR(4) NOT NULL,
    quantity INTEGER NOT NULL,
    limit_price NUMERIC(12, 4),
    placed_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT orders_side_valid CHECK (side IN ('buy', 'sell')),
    CONSTRAINT orders_quantity_positive CHECK (quantity > 0)
);

CREATE INDEX IF NOT EXISTS idx_orders_account_placed ON orders (account_id, placed_at DESC);
CREATE INDEX IF NOT EXISTS idx_orders_open ON orders (contract_id) WHERE limit_price IS NOT NULL;

CREATE TABLE IF NOT EXISTS fills (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    filled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    price NUMERIC(12, 4) NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    fee NUMERIC(8, 4) NOT NULL DEFAULT 0.00
);

CREATE TABLE IF NOT EXISTS positions (
    account_id UUID NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    contract_id BIGINT NOT NULL REFERENCES option_contracts(id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL DEFAULT 0,
    average_cost NUMERIC(12, 4),
    PRIMARY KEY (account_id, contract_id)
);

-- A view and a helper function: not tables, skipped by the linter.
CREATE OR REPLACE VIEW open_orders AS
    SELECT o.* FROM orders o WHERE NOT EXISTS (SELECT 1 FROM fills f WHERE f.order_id = o.id);

CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := now();  -- keep in sync; a ; inside the body
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS stocks_touch ON stocks;
CREATE TRIGGER stocks_touch BEFORE UPDATE ON stocks
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- -----------------------------------------------------------------------------
-- Version 1.4.0 (2025-04-02)
--   - earnings calendar; option_contracts.multiplier default removed
--   - unique symbol per exchange instead of global
-- -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS earnings_events (
    id SERIAL PRIMARY KEY,
    stock_id INTEGER NOT NULL,
    report_date DATE NOT NULL,
    fiscal_quarter SMALLINT CHECK (fiscal_quarter BETWEEN 1 AND 4),
    eps_estimate NUMERIC(8, 4),
    eps_actual NUMERIC(8, 4),
    time_of_day VARCHAR(3) DEFAULT 'amc'
);

ALTER TABLE earnings_events DROP CONSTRAINT IF EXISTS earnings_events_stock_fk;
ALTER TABLE earnings_events ADD CONSTRAINT earnings_events_stock_fk
    FOREIGN KEY (stock_id) REFERENCES stocks(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX IF NOT EXISTS uq_earnings_stock_date ON earnings_events (stock_id, report_date);

ALTER TABLE option_contracts ALTER COLUMN multiplier DROP DEFAULT;
ALTER TABLE stocks ADD COLUMN IF NOT EXISTS exchange VARCHAR(10) NOT NULL DEFAULT 'NASDAQ';
ALTER TABLE stocks DROP CONSTRAINT IF EXISTS stocks_symbol_key;
ALTER TABLE stocks DROP CONSTRAINT IF EXISTS stocks_symbol_exchange_key;
ALTER TABLE stocks ADD CONSTRAINT stocks_symbol_exchange_key UNIQUE (symbol, exchange);

-- -----------------------------------------------------------------------------
-- Version 1.5.0 (2025-07-15)
--   - watchlists; case-insensitive symbol search
-- -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS watchlists (
    id SERIAL PRIMARY KEY,
    owner_email VARCHAR(254) NOT NULL,
    title VARCHAR(100) NOT NULL DEFAULT 'My watchlist',
    created_at TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE IF NOT EXISTS watchlist_items (
    watchlist_id INTEGER NOT NULL REFERENCES watchlists(id) ON DELETE CASCADE,
    stock_id INTEGER NOT NULL REFERENCES stocks(id) ON DELETE CASCADE,
    position SMALLINT NOT NULL DEFAULT 0,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (watchlist_id, stock_id)
);

CREATE INDEX IF NOT EXISTS idx_stocks_symbol_lower ON stocks (lower(symbol));
CREATE INDEX IF NOT EXISTS idx_stocks_name_pattern ON stocks (name varchar_pattern_ops);

-- -----------------------------------------------------------------------------
-- Version 1.6.0 (2025-10-01)
--   - strategy_history.pnl NOT NULL; collection_jobs.error_message dropped
--   - market_conditions.regime values restricted
-- -----------------------------------------------------------------------------

UPDATE strategy_history SET pnl = 0 WHERE pnl IS NULL;
ALTER TABLE strategy_history ALTER COLUMN pnl SET NOT NULL;
ALTER TABLE collection_jobs DROP COLUMN IF EXISTS error_message;
ALTER TABLE collection_jobs ADD COLUMN IF NOT EXISTS last_error JSONB;
ALTER TABLE market_conditions DROP CONSTRAINT IF EXISTS market_conditions_regime_check;
ALTER TABLE market_conditions ADD CONSTRAINT market_conditions_regime_check
    CHECK (regime IN ('bull', 'bear', 'neutral', 'volatile'));

-- -----------------------------------------------------------------------------
-- Version 1.7.0 (2026-01-15)
--   - alerts; positions get an updated_at; orders.side widened
-- -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS price_alerts (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    watchlist_id INTEGER REFERENCES watchlists ON DELETE CASCADE,
    stock_id INTEGER NOT NULL REFERENCES stocks ON DELETE CASCADE,
    threshold NUMERIC(12, 4) NOT NULL,
    direction VARCHAR(5) NOT NULL CHECK (direction IN ('above', 'below')),
    triggered_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ DEFAULT (now() + interval '30 days')
);

CREATE INDEX IF NOT EXISTS idx_price_alerts_pending ON price_alerts (stock_id) WHERE triggered_at IS NULL;

ALTER TABLE positions ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ DEFAULT now();
-- (this one fails: the open_orders view selects o.*, so PostgreSQL refuses to change side's type)
ALTER TABLE orders ALTER COLUMN side TYPE VARCHAR(8);
ALTER TABLE orders ALTER COLUMN side SET DEFAULT 'buy';

-- -----------------------------------------------------------------------------
-- Version 1.8.0 (2026-04-10)
--   - legacy tables retired
-- -----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS legacy_quotes (
    id SERIAL PRIMARY KEY,
    symbol VARCHAR(10),
    quote NUMERIC(10,2)
);
DROP TABLE IF EXISTS legacy_quotes;
DROP INDEX IF EXISTS idx_option_contracts_expiration;
CREATE INDEX IF NOT EXISTS idx_option_contracts_expiration_strike ON option_contracts (expiration, strike);

BEGIN;
ALTER TABLE earnings_events ADD COLUMN IF NOT EXISTS confirmed BOOLEAN DEFAULT false;
COMMIT;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;
