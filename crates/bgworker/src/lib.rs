//! Background workers: the API a module author uses and the postmaster-side scheduling rules.
