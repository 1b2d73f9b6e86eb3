-- Subqueries: scalar, IN/NOT IN, EXISTS, ANY/ALL, correlated, derived tables, in DML.
create table products (id int primary key, name text, category text, price numeric(8,2), stock int);
create table sales (id int primary key, product_id int, qty int, sold_on date);
insert into products values (1, 'hammer', 'tools', 12.50, 10), (2, 'wrench', 'tools', 8.00, 0), (3, 'apple', 'food', 0.40, 200), (4, 'bread', 'food', 2.20, 15), (5, 'lamp', 'home', 30.00, 3), (6, 'rug', 'home', null, 1);
insert into sales values (1, 1, 2, '2024-01-02'), (2, 3, 50, '2024-01-02'), (3, 3, 20, '2024-01-03'), (4, 4, 5, '2024-01-03'), (5, 5, 1, '2024-01-04'), (6, 9, 1, '2024-01-05');
select name, (select sum(qty) from sales s where s.product_id = p.id) as sold from products p order by id;
select name from products where id in (select product_id from sales) order by name;
select name from products where id not in (select product_id from sales) order by name;
select name from products where id not in (select product_id from sales where product_id is not null union all select null) order by name;
select name from products p where exists (select 1 from sales s where s.product_id = p.id) order by name;
select name from products p where not exists (select 1 from sales s where s.product_id = p.id) order by name;
select name, price from products where price > (select avg(price) from products) order by price;
select name from products where price = (select max(price) from products);
select name from products where price > all (select price from products where category = 'food') order by id;
select name from products where price < any (select price from products where category = 'tools') order by id;
select name from products where price > all (select price from products where category = 'none') order by id;
select category, max_price from (select category, max(price) as max_price from products group by category) m order by category;
select * from (select name, price * 2 as double_price from products) sub where double_price > 20 order by name;
select p.name, s.total from products p join (select product_id, sum(qty) as total from sales group by product_id) s on s.product_id = p.id order by s.total desc;
select name, category from products p where price = (select max(price) from products p2 where p2.category = p.category) order by category;
select (select name from products where id = 3), (select count(*) from sales);
select (select name from products where id = 99);
select (select name from products where category = 'tools'); -- error
select (select 1, 2); -- error
select count(*) from (select distinct category from products) c;
select name, (select count(*) from sales s where s.product_id = p.id) > 0 as has_sales from products p order by id;
select category, count(*) from products where id in (select product_id from sales where qty > 1) group by category order by category;
select name from products where (category, price) = ('tools', 8.00);
select name from products where (category, stock) in (select 'food', 15 union select 'home', 3) order by name;
select coalesce((select sum(qty) from sales where product_id = 2), 0);
select id, qty, qty - (select avg(qty) from sales) > 0 as above from sales order by id;
update products set stock = stock - (select coalesce(sum(qty), 0) from sales where product_id = products.id) where category = 'food' returning name, stock;
delete from sales where product_id not in (select id from products) returning id;
insert into sales (id, product_id, qty, sold_on) select 100 + id, id, 1, '2024-02-01' from products where stock = 0 returning id, product_id;
select name from products where id = any (array(select product_id from sales where qty >= 5)) order by id;
select max(cnt) from (select count(*) as cnt from sales group by sold_on) x;
select sold_on, sum(qty) from sales group by sold_on having sum(qty) > (select avg(qty) from sales) order by sold_on;
select name from products where exists (select * from sales) and stock > 100;
select * from products where id in (1, 2, (select 3)) order by id;
select name from (select name from products order by price desc nulls last limit 3) t order by name;
select p.name from products p where p.price in (select price from products where price > 10) order by 1;
select name from products where price > (select price from products); -- error
select * from (select 1) as a, (select 2) as a; -- error
select x from (select 1 as y) t; -- error
select name from products where id in (select id, name from products); -- error
