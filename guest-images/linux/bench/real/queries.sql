-- The sqlite3 part of workload (f) (real-programs): rows.csv into a
-- table with an index, then aggregates, a self-join, an update, a delete
-- and a vacuum. Output: one line a row, fields separated by spaces.
CREATE TABLE sales(id INTEGER PRIMARY KEY, item TEXT, region TEXT, qty INTEGER, price REAL);
.mode csv
.import rows.csv sales
CREATE INDEX sales_item ON sales(item, region);
.mode list
.separator " "
SELECT 'rows', count(*), sum(qty), printf('%.2f', sum(qty * price)) FROM sales;
SELECT region, count(*), sum(qty), printf('%.2f', avg(price)) FROM sales GROUP BY region ORDER BY region;
SELECT item, sum(qty) AS q FROM sales GROUP BY item ORDER BY q DESC, item LIMIT 5;
SELECT 'pairs', count(*) FROM sales a JOIN sales b ON a.item = b.item AND a.region = b.region AND a.id < b.id;
UPDATE sales SET price = price * 1.1 WHERE region = 'north';
DELETE FROM sales WHERE qty < 4;
VACUUM;
SELECT 'after', count(*), printf('%.2f', sum(price)), max(id) FROM sales;
