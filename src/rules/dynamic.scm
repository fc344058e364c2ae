; AWF004: references the resolver cannot follow, kept when NAME is a pair's sync function:
; `getattr(x, "NAME")` and `importlib.import_module(…).NAME`. Compiled and run only for text that spells
; `getattr`, `import_module` or `__import__`.
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
