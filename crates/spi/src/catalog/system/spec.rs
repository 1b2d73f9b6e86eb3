//! The columns of every catalog relation minipg serves, as PostgreSQL 15 declares them
//! (read from a PostgreSQL 15 server's `pg_attribute`), one line per relation:
//! `name:type`, with `type` a `pg_type.typname` of minipg's type catalog and `(n)` a typmod.
//! Invariant: every type named exists in minipg's type catalog (a unit test checks).
//!
//! Where PostgreSQL's column type is one minipg does not have, the column has the nearest
//! type minipg has: `pg_node_tree`, `aclitem[]`, `pg_lsn`, `inet` and `anyarray` columns are
//! `text` or `text[]`, `xid` is `oid`, the statistics types are `bytea`; information_schema's
//! domains are their base types (as RowDescription reports them in PostgreSQL too).

use super::Namespace::{self, InformationSchema, MinipgCatalog, PgCatalog};

/// `(schema, name, OID, relkind, columns)`.
pub(super) static RELATIONS: &[(Namespace, &str, u32, char, &str)] = &[
    (
        InformationSchema,
        "columns",
        13295,
        'v',
        "table_catalog:name table_schema:name table_name:name column_name:name \
         ordinal_position:int4 column_default:varchar is_nullable:varchar(7) \
         data_type:varchar character_maximum_length:int4 character_octet_length:int4 \
         numeric_precision:int4 numeric_precision_radix:int4 numeric_scale:int4 \
         datetime_precision:int4 interval_type:varchar interval_precision:int4 \
         character_set_catalog:name character_set_schema:name character_set_name:name \
         collation_catalog:name collation_schema:name collation_name:name \
         domain_catalog:name domain_schema:name domain_name:name udt_catalog:name \
         udt_schema:name udt_name:name scope_catalog:name scope_schema:name \
         scope_name:name maximum_cardinality:int4 dtd_identifier:name \
         is_self_referencing:varchar(7) is_identity:varchar(7) \
         identity_generation:varchar identity_start:varchar identity_increment:varchar \
         identity_maximum:varchar identity_minimum:varchar identity_cycle:varchar(7) \
         is_generated:varchar generation_expression:varchar is_updatable:varchar(7)",
    ),
    (
        InformationSchema,
        "key_column_usage",
        13329,
        'v',
        "constraint_catalog:name constraint_schema:name constraint_name:name \
         table_catalog:name table_schema:name table_name:name column_name:name \
         ordinal_position:int4 position_in_unique_constraint:int4",
    ),
    (
        InformationSchema,
        "schemata",
        13382,
        'v',
        "catalog_name:name schema_name:name schema_owner:name \
         default_character_set_catalog:name default_character_set_schema:name \
         default_character_set_name:name sql_path:varchar",
    ),
    (
        InformationSchema,
        "table_constraints",
        13411,
        'v',
        "constraint_catalog:name constraint_schema:name constraint_name:name \
         table_catalog:name table_schema:name table_name:name constraint_type:varchar \
         is_deferrable:varchar(7) initially_deferred:varchar(7) enforced:varchar(7) \
         nulls_distinct:varchar(7)",
    ),
    (
        InformationSchema,
        "tables",
        13425,
        'v',
        "table_catalog:name table_schema:name table_name:name table_type:varchar \
         self_referencing_column_name:name reference_generation:varchar \
         user_defined_type_catalog:name user_defined_type_schema:name \
         user_defined_type_name:name is_insertable_into:varchar(7) is_typed:varchar(7) \
         commit_action:varchar",
    ),
    (
        InformationSchema,
        "views",
        13483,
        'v',
        "table_catalog:name table_schema:name table_name:name view_definition:varchar \
         check_option:varchar is_updatable:varchar(7) is_insertable_into:varchar(7) \
         is_trigger_updatable:varchar(7) is_trigger_deletable:varchar(7) \
         is_trigger_insertable_into:varchar(7)",
    ),
    (
        PgCatalog,
        "pg_aggregate",
        2600,
        'r',
        "aggfnoid:regproc aggkind:char aggnumdirectargs:int2 aggtransfn:regproc \
         aggfinalfn:regproc aggcombinefn:regproc aggserialfn:regproc \
         aggdeserialfn:regproc aggmtransfn:regproc aggminvtransfn:regproc \
         aggmfinalfn:regproc aggfinalextra:bool aggmfinalextra:bool aggfinalmodify:char \
         aggmfinalmodify:char aggsortop:oid aggtranstype:oid aggtransspace:int4 \
         aggmtranstype:oid aggmtransspace:int4 agginitval:text aggminitval:text",
    ),
    (
        PgCatalog,
        "pg_am",
        2601,
        'r',
        "oid:oid amname:name amhandler:regproc amtype:char",
    ),
    (
        PgCatalog,
        "pg_amop",
        2602,
        'r',
        "oid:oid amopfamily:oid amoplefttype:oid amoprighttype:oid amopstrategy:int2 \
         amoppurpose:char amopopr:oid amopmethod:oid amopsortfamily:oid",
    ),
    (
        PgCatalog,
        "pg_amproc",
        2603,
        'r',
        "oid:oid amprocfamily:oid amproclefttype:oid amprocrighttype:oid amprocnum:int2 \
         amproc:regproc",
    ),
    (
        PgCatalog,
        "pg_attrdef",
        2604,
        'r',
        "oid:oid adrelid:oid adnum:int2 adbin:text",
    ),
    (
        PgCatalog,
        "pg_attribute",
        1249,
        'r',
        "attrelid:oid attname:name atttypid:oid attstattarget:int4 attlen:int2 \
         attnum:int2 attndims:int4 attcacheoff:int4 atttypmod:int4 attbyval:bool \
         attalign:char attstorage:char attcompression:char attnotnull:bool atthasdef:bool \
         atthasmissing:bool attidentity:char attgenerated:char attisdropped:bool \
         attislocal:bool attinhcount:int4 attcollation:oid attacl:_text attoptions:_text \
         attfdwoptions:_text attmissingval:text",
    ),
    (
        PgCatalog,
        "pg_auth_members",
        1261,
        'r',
        "roleid:oid member:oid grantor:oid admin_option:bool",
    ),
    (
        PgCatalog,
        "pg_authid",
        1260,
        'r',
        "oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool \
         rolcreatedb:bool rolcanlogin:bool rolreplication:bool rolbypassrls:bool \
         rolconnlimit:int4 rolpassword:text rolvaliduntil:timestamptz",
    ),
    (
        PgCatalog,
        "pg_cast",
        2605,
        'r',
        "oid:oid castsource:oid casttarget:oid castfunc:oid castcontext:char \
         castmethod:char",
    ),
    (
        PgCatalog,
        "pg_class",
        1259,
        'r',
        "oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid \
         relam:oid relfilenode:oid reltablespace:oid relpages:int4 reltuples:float4 \
         relallvisible:int4 reltoastrelid:oid relhasindex:bool relisshared:bool \
         relpersistence:char relkind:char relnatts:int2 relchecks:int2 relhasrules:bool \
         relhastriggers:bool relhassubclass:bool relrowsecurity:bool \
         relforcerowsecurity:bool relispopulated:bool relreplident:char \
         relispartition:bool relrewrite:oid relfrozenxid:oid relminmxid:oid relacl:_text \
         reloptions:_text relpartbound:text",
    ),
    (
        PgCatalog,
        "pg_collation",
        3456,
        'r',
        "oid:oid collname:name collnamespace:oid collowner:oid collprovider:char \
         collisdeterministic:bool collencoding:int4 collcollate:text collctype:text \
         colliculocale:text collversion:text",
    ),
    (
        PgCatalog,
        "pg_constraint",
        2606,
        'r',
        "oid:oid conname:name connamespace:oid contype:char condeferrable:bool \
         condeferred:bool convalidated:bool conrelid:oid contypid:oid conindid:oid \
         conparentid:oid confrelid:oid confupdtype:char confdeltype:char \
         confmatchtype:char conislocal:bool coninhcount:int4 connoinherit:bool \
         conkey:_int2 confkey:_int2 conpfeqop:_oid conppeqop:_oid conffeqop:_oid \
         confdelsetcols:_int2 conexclop:_oid conbin:text",
    ),
    (
        PgCatalog,
        "pg_conversion",
        2607,
        'r',
        "oid:oid conname:name connamespace:oid conowner:oid conforencoding:int4 \
         contoencoding:int4 conproc:regproc condefault:bool",
    ),
    (
        PgCatalog,
        "pg_database",
        1262,
        'r',
        "oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char \
         datistemplate:bool datallowconn:bool datconnlimit:int4 datfrozenxid:oid \
         datminmxid:oid dattablespace:oid datcollate:text datctype:text daticulocale:text \
         datcollversion:text datacl:_text",
    ),
    (
        PgCatalog,
        "pg_default_acl",
        826,
        'r',
        "oid:oid defaclrole:oid defaclnamespace:oid defaclobjtype:char defaclacl:_text",
    ),
    (
        PgCatalog,
        "pg_depend",
        2608,
        'r',
        "classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4 \
         deptype:char",
    ),
    (
        PgCatalog,
        "pg_description",
        2609,
        'r',
        "objoid:oid classoid:oid objsubid:int4 description:text",
    ),
    (
        PgCatalog,
        "pg_enum",
        3501,
        'r',
        "oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name",
    ),
    (
        PgCatalog,
        "pg_event_trigger",
        3466,
        'r',
        "oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid evtenabled:char \
         evttags:_text",
    ),
    (
        PgCatalog,
        "pg_extension",
        3079,
        'r',
        "oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool \
         extversion:text extconfig:_oid extcondition:_text",
    ),
    (
        PgCatalog,
        "pg_foreign_data_wrapper",
        2328,
        'r',
        "oid:oid fdwname:name fdwowner:oid fdwhandler:oid fdwvalidator:oid fdwacl:_text \
         fdwoptions:_text",
    ),
    (
        PgCatalog,
        "pg_foreign_server",
        1417,
        'r',
        "oid:oid srvname:name srvowner:oid srvfdw:oid srvtype:text srvversion:text \
         srvacl:_text srvoptions:_text",
    ),
    (
        PgCatalog,
        "pg_foreign_table",
        3118,
        'r',
        "ftrelid:oid ftserver:oid ftoptions:_text",
    ),
    (
        PgCatalog,
        "pg_index",
        2610,
        'r',
        "indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool \
         indnullsnotdistinct:bool indisprimary:bool indisexclusion:bool indimmediate:bool \
         indisclustered:bool indisvalid:bool indcheckxmin:bool indisready:bool \
         indislive:bool indisreplident:bool indkey:int2vector indcollation:oidvector \
         indclass:oidvector indoption:int2vector indexprs:text indpred:text",
    ),
    (
        PgCatalog,
        "pg_indexes",
        12043,
        'v',
        "schemaname:name tablename:name indexname:name tablespace:name indexdef:text",
    ),
    (
        PgCatalog,
        "pg_inherits",
        2611,
        'r',
        "inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool",
    ),
    (
        PgCatalog,
        "pg_init_privs",
        3394,
        'r',
        "objoid:oid classoid:oid objsubid:int4 privtype:char initprivs:_text",
    ),
    (
        PgCatalog,
        "pg_language",
        2612,
        'r',
        "oid:oid lanname:name lanowner:oid lanispl:bool lanpltrusted:bool \
         lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:_text",
    ),
    (
        PgCatalog,
        "pg_largeobject_metadata",
        2995,
        'r',
        "oid:oid lomowner:oid lomacl:_text",
    ),
    (
        PgCatalog,
        "pg_matviews",
        12038,
        'v',
        "schemaname:name matviewname:name matviewowner:name tablespace:name \
         hasindexes:bool ispopulated:bool definition:text",
    ),
    (
        PgCatalog,
        "pg_namespace",
        2615,
        'r',
        "oid:oid nspname:name nspowner:oid nspacl:_text",
    ),
    (
        PgCatalog,
        "pg_opclass",
        2616,
        'r',
        "oid:oid opcmethod:oid opcname:name opcnamespace:oid opcowner:oid opcfamily:oid \
         opcintype:oid opcdefault:bool opckeytype:oid",
    ),
    (
        PgCatalog,
        "pg_operator",
        2617,
        'r',
        "oid:oid oprname:name oprnamespace:oid oprowner:oid oprkind:char oprcanmerge:bool \
         oprcanhash:bool oprleft:oid oprright:oid oprresult:oid oprcom:oid oprnegate:oid \
         oprcode:regproc oprrest:regproc oprjoin:regproc",
    ),
    (
        PgCatalog,
        "pg_opfamily",
        2753,
        'r',
        "oid:oid opfmethod:oid opfname:name opfnamespace:oid opfowner:oid",
    ),
    (
        PgCatalog,
        "pg_partitioned_table",
        3350,
        'r',
        "partrelid:oid partstrat:char partnatts:int2 partdefid:oid partattrs:int2vector \
         partclass:oidvector partcollation:oidvector partexprs:text",
    ),
    (
        PgCatalog,
        "pg_policy",
        3256,
        'r',
        "oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:_oid \
         polqual:text polwithcheck:text",
    ),
    (
        PgCatalog,
        "pg_proc",
        1255,
        'r',
        "oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4 \
         prorows:float4 provariadic:oid prosupport:regproc prokind:char prosecdef:bool \
         proleakproof:bool proisstrict:bool proretset:bool provolatile:char \
         proparallel:char pronargs:int2 pronargdefaults:int2 prorettype:oid \
         proargtypes:oidvector proallargtypes:_oid proargmodes:_char proargnames:_text \
         proargdefaults:text protrftypes:_oid prosrc:text probin:text prosqlbody:text \
         proconfig:_text proacl:_text",
    ),
    (
        PgCatalog,
        "pg_publication",
        6104,
        'r',
        "oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool \
         pubupdate:bool pubdelete:bool pubtruncate:bool pubviaroot:bool",
    ),
    (
        PgCatalog,
        "pg_publication_namespace",
        6237,
        'r',
        "oid:oid pnpubid:oid pnnspid:oid",
    ),
    (
        PgCatalog,
        "pg_publication_rel",
        6106,
        'r',
        "oid:oid prpubid:oid prrelid:oid prqual:text prattrs:int2vector",
    ),
    (
        PgCatalog,
        "pg_range",
        3541,
        'r',
        "rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid \
         rngcanonical:regproc rngsubdiff:regproc",
    ),
    (
        PgCatalog,
        "pg_rewrite",
        2618,
        'r',
        "oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char is_instead:bool \
         ev_qual:text ev_action:text",
    ),
    (
        PgCatalog,
        "pg_roles",
        12000,
        'v',
        "rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool \
         rolcanlogin:bool rolreplication:bool rolconnlimit:int4 rolpassword:text \
         rolvaliduntil:timestamptz rolbypassrls:bool rolconfig:_text oid:oid",
    ),
    (
        PgCatalog,
        "pg_seclabel",
        3596,
        'r',
        "objoid:oid classoid:oid objsubid:int4 provider:text label:text",
    ),
    (
        PgCatalog,
        "pg_sequence",
        2224,
        'r',
        "seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 \
         seqmin:int8 seqcache:int8 seqcycle:bool",
    ),
    (
        PgCatalog,
        "pg_sequences",
        12048,
        'v',
        "schemaname:name sequencename:name sequenceowner:name data_type:regtype \
         start_value:int8 min_value:int8 max_value:int8 increment_by:int8 cycle:bool \
         cache_size:int8 last_value:int8",
    ),
    (
        PgCatalog,
        "pg_settings",
        12104,
        'v',
        "name:text setting:text unit:text category:text short_desc:text extra_desc:text \
         context:text vartype:text source:text min_val:text max_val:text enumvals:_text \
         boot_val:text reset_val:text sourcefile:text sourceline:int4 \
         pending_restart:bool",
    ),
    (
        PgCatalog,
        "pg_shdepend",
        1214,
        'r',
        "dbid:oid classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid \
         deptype:char",
    ),
    (
        PgCatalog,
        "pg_shdescription",
        2396,
        'r',
        "objoid:oid classoid:oid description:text",
    ),
    (
        PgCatalog,
        "pg_shseclabel",
        3592,
        'r',
        "objoid:oid classoid:oid provider:text label:text",
    ),
    (
        PgCatalog,
        "pg_statistic_ext",
        3381,
        'r',
        "oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid \
         stxstattarget:int4 stxkeys:int2vector stxkind:_char stxexprs:text",
    ),
    (
        PgCatalog,
        "pg_statistic_ext_data",
        3429,
        'r',
        "stxoid:oid stxdinherit:bool stxdndistinct:bytea stxddependencies:bytea \
         stxdmcv:bytea stxdexpr:text",
    ),
    (
        PgCatalog,
        "pg_subscription",
        6100,
        'r',
        "oid:oid subdbid:oid subskiplsn:text subname:name subowner:oid subenabled:bool \
         subbinary:bool substream:bool subtwophasestate:char subdisableonerr:bool \
         subconninfo:text subslotname:name subsynccommit:text subpublications:_text",
    ),
    (
        PgCatalog,
        "pg_tables",
        12033,
        'v',
        "schemaname:name tablename:name tableowner:name tablespace:name hasindexes:bool \
         hasrules:bool hastriggers:bool rowsecurity:bool",
    ),
    (
        PgCatalog,
        "pg_tablespace",
        1213,
        'r',
        "oid:oid spcname:name spcowner:oid spcacl:_text spcoptions:_text",
    ),
    (
        PgCatalog,
        "pg_timezone_names",
        12126,
        'v',
        "name:text abbrev:text utc_offset:interval is_dst:bool",
    ),
    (
        PgCatalog,
        "pg_transform",
        3576,
        'r',
        "oid:oid trftype:oid trflang:oid trffromsql:regproc trftosql:regproc",
    ),
    (
        PgCatalog,
        "pg_trigger",
        2620,
        'r',
        "oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 \
         tgenabled:char tgisinternal:bool tgconstrrelid:oid tgconstrindid:oid \
         tgconstraint:oid tgdeferrable:bool tginitdeferred:bool tgnargs:int2 \
         tgattr:int2vector tgargs:bytea tgqual:text tgoldtable:name tgnewtable:name",
    ),
    (
        PgCatalog,
        "pg_ts_config",
        3602,
        'r',
        "oid:oid cfgname:name cfgnamespace:oid cfgowner:oid cfgparser:oid",
    ),
    (
        PgCatalog,
        "pg_ts_dict",
        3600,
        'r',
        "oid:oid dictname:name dictnamespace:oid dictowner:oid dicttemplate:oid \
         dictinitoption:text",
    ),
    (
        PgCatalog,
        "pg_ts_parser",
        3601,
        'r',
        "oid:oid prsname:name prsnamespace:oid prsstart:regproc prstoken:regproc \
         prsend:regproc prsheadline:regproc prslextype:regproc",
    ),
    (
        PgCatalog,
        "pg_ts_template",
        3764,
        'r',
        "oid:oid tmplname:name tmplnamespace:oid tmplinit:regproc tmpllexize:regproc",
    ),
    (
        PgCatalog,
        "pg_type",
        1247,
        'r',
        "oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool \
         typtype:char typcategory:char typispreferred:bool typisdefined:bool \
         typdelim:char typrelid:oid typsubscript:regproc typelem:oid typarray:oid \
         typinput:regproc typoutput:regproc typreceive:regproc typsend:regproc \
         typmodin:regproc typmodout:regproc typanalyze:regproc typalign:char \
         typstorage:char typnotnull:bool typbasetype:oid typtypmod:int4 typndims:int4 \
         typcollation:oid typdefaultbin:text typdefault:text typacl:_text",
    ),
    (
        PgCatalog,
        "pg_user",
        12014,
        'v',
        "usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool \
         usebypassrls:bool passwd:text valuntil:timestamptz useconfig:_text",
    ),
    (
        PgCatalog,
        "pg_user_mapping",
        1418,
        'r',
        "oid:oid umuser:oid umserver:oid umoptions:_text",
    ),
    (
        PgCatalog,
        "pg_user_mappings",
        12327,
        'v',
        "umid:oid srvid:oid srvname:name umuser:oid usename:name umoptions:_text",
    ),
    (
        PgCatalog,
        "pg_views",
        12028,
        'v',
        "schemaname:name viewname:name viewowner:name definition:text",
    ),
    (
        PgCatalog,
        "pg_db_role_setting",
        2964,
        'r',
        "setdatabase:oid setrole:oid setconfig:_text",
    ),
    (
        PgCatalog,
        "pg_seclabels",
        12113,
        'v',
        "objoid:oid classoid:oid objsubid:int4 objtype:text objnamespace:oid objname:text \
         provider:text label:text",
    ),
    (
        PgCatalog,
        "pg_stat_activity",
        12222,
        'v',
        "pid:int4 datname:name usename:name backend_type:text state:text query:text \
         backend_start:timestamptz query_start:timestamptz",
    ),
    (
        PgCatalog,
        "pg_hba_file_rules",
        12114,
        'v',
        "line_number:int4 type:text database:_text user_name:_text address:text netmask:text \
         auth_method:text options:_text error:text",
    ),
    (
        PgCatalog,
        "pg_stat_ssl",
        12249,
        'v',
        "pid:int4 ssl:bool version:text cipher:text bits:int4 client_dn:text \
         client_serial:numeric issuer_dn:text",
    ),
    (
        PgCatalog,
        "pg_stat_autovacuum",
        12223,
        'v',
        "datname:name last_run:timestamptz runs:int8 last_action:text \
         wal_bytes_before:int8 wal_bytes_after:int8 pages_freed:int8",
    ),
    (
        PgCatalog,
        "pg_stat_bgworker",
        12224,
        'v',
        "name:text library:text type:text database:name pid:int4 state:text starts:int8 \
         last_start:timestamptz last_exit:text last_exit_at:timestamptz crash_resets:int8 \
         next_restart:timestamptz restart_policy:text",
    ),
    (
        MinipgCatalog,
        "index_attribute",
        0,
        'v',
        "attrelid:oid attname:name atttypid:oid attnum:int2 atttypmod:int4",
    ),
    // minipg's own, for the definitions above (not visible to SQL).
    (
        MinipgCatalog,
        "system_class",
        0,
        'v',
        "oid:oid relname:name relnamespace:oid relkind:char relnatts:int2",
    ),
    (
        MinipgCatalog,
        "system_attribute",
        0,
        'v',
        "attrelid:oid attname:name atttypid:oid attnum:int2 atttypmod:int4",
    ),
    (
        MinipgCatalog,
        "constraint_indexes",
        0,
        'v',
        "oid:oid relname:name relnamespace:oid indrelid:oid relnatts:int2",
    ),
];
