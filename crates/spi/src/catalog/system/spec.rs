//! The catalog relations minipg serves and their columns, as PostgreSQL 15 declares them: data
//! in `relations.txt` (its head gives the format and where the types come from), read here.
//! Invariant: every type named exists in minipg's type catalog (a unit test checks).

use super::Namespace;

static TEXT: &str = include_str!("relations.txt");

/// A relation of `relations.txt`: `(schema, name, OID, relkind, columns)`, the columns as
/// whitespace-separated `name:type` words.
pub(super) type Spec = (Namespace, &'static str, u32, char, &'static str);

/// Every relation of `relations.txt`, in its order.
pub(super) fn relations() -> Vec<Spec> {
    let mut specs = Vec::new();
    let mut rest = TEXT;
    while let Some((line, after)) = rest.split_once('\n') {
        rest = after;
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // The columns: the indented lines after the relation's line.
        let len: usize = rest
            .split_inclusive('\n')
            .take_while(|l| l.starts_with(' '))
            .map(str::len)
            .sum();
        let (columns, after) = rest.split_at(len);
        rest = after;
        let mut words = line.split_whitespace();
        let (Some(qualified), Some(oid), Some(relkind), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            panic!("relations.txt: not `schema.name oid relkind`: {line}");
        };
        let (schema, name) = qualified
            .split_once('.')
            .expect("relations.txt: schema.name");
        let schema = Namespace::ALL
            .into_iter()
            .find(|n| n.name() == schema)
            .expect("relations.txt: a catalog schema");
        let oid = oid.parse().expect("relations.txt: an OID");
        let relkind = relkind.chars().next().expect("relations.txt: a relkind");
        specs.push((schema, name, oid, relkind, columns));
    }
    specs
}
