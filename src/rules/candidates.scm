; Everything a rule may report, in one pass over the tree; Rust narrows each capture down by name resolution.
; The patterns are bare nodes, whose shape Rust checks (`capture_around`): a pattern with child steps costs
; tree-sitter an analysis against the whole grammar when it compiles, which a run on one file pays in full.

; AWF001: every awaited expression. The operand is narrowed in Rust to a call (through any parentheses) whose
; callee is a name or a dotted attribute chain: the depth of parentheses cannot be expressed as a query.
(await) @awaited

; AWF002, AWF003: calls, kept in Rust when their function is a name, an attribute or in parentheses, and
; named like a pair's function.
(call) @call

; `from m import NAME as ALIAS`: aliases of a pair's functions make calls through them candidates too.
(aliased_import) @aliased
