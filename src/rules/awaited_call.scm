; Every awaited expression. The operand is narrowed in Rust to a call (through any parentheses) whose callee is a
; name or a dotted attribute chain, because the depth of parentheses cannot be expressed as a query.
(await (_) @operand) @site
