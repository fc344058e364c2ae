; `from m import NAME as ALIAS`: Rust keeps the aliases of a pair's functions, so that calls through them are
; candidates too.
(import_from_statement
  name: (aliased_import
    name: (dotted_name) @name
    alias: (identifier) @alias))
