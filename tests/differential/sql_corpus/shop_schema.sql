/*
 * Storefront schema, maintained by hand since 2021.
 * Older statements are not idempotent; newer ones are. /* nested comment */ still a comment.
 */

CREATE TABLE public.customers (
    id serial NOT NULL,
    "Email" character varying(254) NOT NULL,
    full_name text,
    created timestamp without time zone DEFAULT LOCALTIMESTAMP,
    loyalty_points int4 DEFAULT 0 NOT NULL,
    CONSTRAINT customers_pkey PRIMARY KEY (id)
);

CREATE UNIQUE INDEX customers_email_uniq ON public.customers ("Email");

CREATE TABLE Products (
    ID BIGSERIAL,
    SKU VARCHAR(32) NOT NULL,
    Title VARCHAR(200) NOT NULL,
    Price DECIMAL(10, 2) NOT NULL DEFAULT 0,
    Currency CHAR(3) DEFAULT 'EUR',
    Weight_Grams INT,
    Tags TEXT[] DEFAULT '{}',
    Attributes JSONB,
    PRIMARY KEY (ID),
    UNIQUE (SKU)
);

CREATE INDEX ON products USING gin (tags);
CREATE INDEX ON products USING gin (attributes jsonb_path_ops);
CREATE INDEX ON products (lower(title));
CREATE INDEX ON products (lower(title), price);

CREATE TABLE "order" (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id),
    "status" varchar(20) NOT NULL DEFAULT 'new'::character varying,
    total numeric(12,2) NOT NULL DEFAULT 0.00 CHECK (total >= 0),
    placed_at timestamptz NOT NULL DEFAULT now(),
    shipped_at timestamptz
);

CREATE TABLE order_lines (
    order_id bigint NOT NULL REFERENCES "order" (id) ON DELETE CASCADE,
    line_no smallint NOT NULL,
    product_id bigint NOT NULL REFERENCES products ON DELETE RESTRICT,
    quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price numeric(10,2) NOT NULL,
    discount_pct real DEFAULT 0 CHECK (discount_pct >= 0 AND discount_pct <= 100),
    PRIMARY KEY (order_id, line_no)
);

CREATE INDEX ON order_lines (product_id);

CREATE TABLE addresses (
    id serial PRIMARY KEY,
    customer_id int NOT NULL,
    kind varchar(10) NOT NULL CHECK (kind = 'billing' OR kind = 'shipping'),
    line1 varchar(200) NOT NULL,
    line2 varchar(200),
    city varchar(100) NOT NULL,
    postal_code varchar(20),
    country_code char(2) NOT NULL DEFAULT 'DE',
    is_default boolean DEFAULT 'f'
);

ALTER TABLE addresses ADD CONSTRAINT addresses_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX one_default_address ON addresses (customer_id, kind) WHERE is_default;

-- 2022: coupons and carts
CREATE TABLE coupons (
    code varchar(32) PRIMARY KEY,
    percent_off smallint CHECK (percent_off > 0 AND percent_off <= 100),
    amount_off numeric(10,2),
    valid_from date NOT NULL DEFAULT CURRENT_DATE,
    valid_until date,
    max_redemptions integer,
    CHECK (percent_off IS NOT NULL OR amount_off IS NOT NULL),
    CHECK (valid_until IS NULL OR valid_until > valid_from)
);

CREATE TABLE carts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id integer REFERENCES customers ON DELETE SET NULL,
    coupon_code varchar(32) REFERENCES coupons (code) ON UPDATE CASCADE ON DELETE SET NULL,
    created_at timestamptz DEFAULT now(),
    expires_at timestamptz DEFAULT now() + interval '7 days'
);

CREATE TABLE cart_items (
    cart_id uuid REFERENCES carts ON DELETE CASCADE,
    product_id bigint REFERENCES products ON DELETE CASCADE,
    quantity integer DEFAULT 1 NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

-- 2023: rename and reshape
ALTER TABLE "order" RENAME TO orders;
ALTER TABLE orders RENAME COLUMN placed_at TO ordered_at;
ALTER TABLE orders ADD COLUMN coupon_code varchar(32) REFERENCES coupons (code) ON DELETE SET NULL;
ALTER TABLE orders ADD COLUMN notes text, ADD COLUMN gift boolean NOT NULL DEFAULT false;
ALTER TABLE customers ALTER COLUMN full_name TYPE varchar(200), ALTER COLUMN full_name SET NOT NULL;
ALTER TABLE customers RENAME COLUMN "Email" TO email;
ALTER TABLE products ALTER COLUMN weight_grams SET DEFAULT 0;
ALTER TABLE products ALTER COLUMN price TYPE numeric(12,2);

CREATE INDEX orders_status_idx ON orders (status) WHERE status IN ('new', 'paid');
CREATE INDEX ON orders (customer_id, ordered_at DESC);

-- Data fix, safe to rerun
DO $body$
BEGIN
    UPDATE orders SET status = 'paid' WHERE status = 'payed';
END
$body$;

-- Guarded constraint: only added when missing
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_shipped_after_order') THEN
        ALTER TABLE orders ADD CONSTRAINT orders_shipped_after_order CHECK (shipped_at IS NULL OR shipped_at >= ordered_at);
    END IF;
END $$;

-- 2024: reviews, idempotent from here on
CREATE TABLE IF NOT EXISTS reviews (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    customer_id integer REFERENCES customers (id) ON DELETE SET NULL,
    rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body text CHECK (length(body) <= 5000),
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (product_id, customer_id)
);

CREATE INDEX IF NOT EXISTS reviews_product_rating_idx ON reviews (product_id, rating DESC NULLS LAST);

CREATE TABLE IF NOT EXISTS inventory_movements (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    product_id bigint NOT NULL REFERENCES products (id),
    warehouse_code varchar(8) NOT NULL,
    delta integer NOT NULL CHECK (delta <> 0),
    reason varchar(30) NOT NULL DEFAULT 'adjustment',
    moved_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inventory_movements_pkey PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS inventory_movements_product_time_idx ON inventory_movements (product_id, moved_at);

ALTER TABLE products ADD COLUMN IF NOT EXISTS archived_at timestamptz;
ALTER TABLE products ADD COLUMN IF NOT EXISTS sku VARCHAR(32);
DROP INDEX IF EXISTS products_lower_idx1;
ALTER TABLE customers DROP COLUMN IF EXISTS loyalty_points;

-- 2025: shipment tracking
CREATE TABLE IF NOT EXISTS shipments (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    carrier varchar(40) NOT NULL,
    tracking_number varchar(64),
    shipped_on date,
    delivered_on date,
    CONSTRAINT shipments_dates CHECK (delivered_on IS NULL OR delivered_on >= shipped_on),
    CONSTRAINT shipments_tracking_unique UNIQUE (carrier, tracking_number)
);

CREATE INDEX IF NOT EXISTS shipments_undelivered_idx ON shipments (order_id) WHERE delivered_on IS NULL;

COMMENT ON TABLE shipments IS 'One row per parcel';
COMMENT ON COLUMN shipments.tracking_number IS 'Carrier''s tracking id';

INSERT INTO coupons (code, percent_off) VALUES ('WELCOME10', 10) ON CONFLICT DO NOTHING;
