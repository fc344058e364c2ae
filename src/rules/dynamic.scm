; References the resolver cannot follow (AWF004): `getattr(x, "NAME")` and `importlib.import_module(…).NAME`.
; Rust keeps those whose NAME is a pair's sync function.
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
