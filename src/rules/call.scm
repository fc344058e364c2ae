; Every call whose function is a name or an attribute; Rust keeps those named like a pair's function.
(call function: [(identifier) (attribute) (parenthesized_expression)]) @call
