-- Joins: inner, left/right/full outer, cross, self, USING/NATURAL, lateral, multi-way.
create table departments (id int primary key, name text not null, parent_id int);
create table employees (id int primary key, name text not null, dept_id int references departments(id), manager_id int, salary int, hired date);
create table projects (id int primary key, title text, dept_id int, budget numeric);
insert into departments values (1, 'Engineering', null), (2, 'Sales', null), (3, 'Support', 2), (4, 'Legal', null);
insert into employees values (1, 'Alice', 1, null, 120000, '2019-03-01'), (2, 'Bob', 1, 1, 95000, '2020-07-15'), (3, 'Carol', 2, null, 90000, '2018-01-10'), (4, 'Dan', 2, 3, 60000, '2021-11-01'), (5, 'Erin', 3, 3, 55000, '2022-02-14'), (6, 'Frank', null, 1, 40000, '2023-05-05'), (7, 'Grace', 1, 2, 80000, '2021-09-09');
insert into projects values (1, 'Compiler', 1, 500000), (2, 'CRM', 2, 120000), (3, 'Helpdesk', 3, 30000), (4, 'Moonshot', 9, 1000000);
select e.name, d.name from employees e join departments d on d.id = e.dept_id order by e.name;
select e.name, d.name as dept from employees e inner join departments d on e.dept_id = d.id where d.name <> 'Sales' order by e.id;
select e.name, d.name from employees e left join departments d on d.id = e.dept_id order by e.id;
select d.name, e.name from departments d left join employees e on e.dept_id = d.id order by d.id, e.id;
select d.name, e.name from employees e right join departments d on d.id = e.dept_id order by d.id, e.id;
select d.name, p.title from departments d full join projects p on p.dept_id = d.id order by d.id nulls last, p.id;
select d.name, count(e.id) from departments d left join employees e on e.dept_id = d.id group by d.id, d.name order by d.id;
select d.name from departments d left join employees e on e.dept_id = d.id where e.id is null;
select e.name, m.name as manager from employees e left join employees m on m.id = e.manager_id order by e.id;
select e.name, m.name from employees e join employees m on m.id = e.manager_id where e.salary > m.salary * 0.9 order by e.name;
select count(*) from employees cross join departments;
select e.name, d.name from employees e, departments d where e.dept_id = d.id and d.id = 2 order by e.name;
select e.name, p.title from employees e join departments d on d.id = e.dept_id join projects p on p.dept_id = d.id order by p.id, e.id;
select * from employees join departments using (id) order by id;
select id, e.name, d.name from employees e join departments d using (id) order by id;
select * from (select 1 as k, 'a' as v) x natural join (select 1 as k, 'b' as w) y;
select d.name, top.name, top.salary from departments d cross join lateral (select name, salary from employees e where e.dept_id = d.id order by salary desc limit 1) top order by d.id;
select d.name, x.n from departments d left join lateral (select count(*) as n from employees e where e.dept_id = d.id) x on true order by d.id;
select e.name from employees e where exists (select 1 from projects p where p.dept_id = e.dept_id and p.budget > 100000) order by e.name;
select e.name, d.name from employees e join departments d on d.id = e.dept_id and e.salary > 80000 order by e.name;
select e.name, d.name from employees e left join departments d on d.id = e.dept_id and d.name = 'Engineering' order by e.id;
select p.title, d.name from projects p left join departments d on d.id = p.dept_id where d.id is null;
select c.name as child, p.name as parent from departments c join departments p on p.id = c.parent_id;
select d.name, sum(e.salary) as payroll from departments d join employees e on e.dept_id = d.id group by d.name having sum(e.salary) > 100000 order by payroll desc;
select a.name, b.name from employees a join employees b on a.dept_id = b.dept_id and a.id < b.id order by a.id, b.id;
select e.name, coalesce(d.name, 'none') from employees e full outer join departments d on d.id = e.dept_id order by e.id nulls last, d.id;
select count(*) from employees e join departments d on true;
select e.name from employees e join departments d on d.id = e.dept_id where d.parent_id is not null;
select t.a, u.b from (values (1), (2)) t(a) join (values (2), (3)) u(b) on t.a = u.b;
select t.a, u.b from (values (1), (2)) t(a) left join (values (2), (3)) u(b) on t.a = u.b order by t.a;
select t.a, u.b from (values (1), (2)) t(a) full join (values (2), (3)) u(b) on t.a = u.b order by coalesce(t.a, u.b);
select * from (values (1, 'x')) a(id, v) join (values (1, 'y')) b(id, v) using (id);
select e.name, d.name from employees e join departments d on d.id = e.dept_id order by d.name, e.salary desc limit 3;
select e.name, d.name from employees e join departments d on d.id = e.dept_id order by e.id limit 2 offset 2;
select name from employees join departments on departments.id = employees.dept_id; -- error
select e.id from employees e join departments d on d.id = e.dept_id join departments d on d.id = e.dept_id; -- error
select e.name from employees e join nothere n on n.id = e.id; -- error
select e.name from employees e join departments d on d.nope = e.dept_id; -- error
