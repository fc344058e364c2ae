; Everything a rule may report, in one pass over the tree; Rust narrows each capture down by name resolution.

; AWF001: every awaited expression. The operand is narrowed in Rust to a call (through any parentheses) whose
; callee is a name or a dotted attribute chain: the depth of parentheses cannot be expressed as a query.
(await (_) @operand) @awaited

; AWF002, AWF003: calls whose function is a name or an attribute, kept when named like a pair's function.
(call function: [(identifier) (attribute) (parenthesized_expression)]) @call

; `from m import NAME as ALIAS`: aliases of a pair's functions make calls through them candidates too.
(import_from_statement
  name: (aliased_import
    name: (dotted_name) @imported
    alias: (identifier) @alias))

; AWF004: references the resolver cannot follow, kept when NAME is a pair's sync function:
; `getattr(x, "NAME")` and `importlib.import_module(…).NAME`.
(call
  function: (identifier) @getattr
  arguments: (argument_list . (_) . (string (string_content) @name))
  (#eq? @getattr "getattr")) @reference

(attribute
  object: (call
    function: [
      (identifier) @import
      (attribute attribute: (identifier) @import)
    ])
  attribute: (identifier) @name
  (#any-of? @import "import_module" "__import__")) @reference
