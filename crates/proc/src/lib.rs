//! ProcGlobal: the PGPROC array and its free lists.
