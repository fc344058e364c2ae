; Calls that assert a TypeError (or any exception, which includes it): `pytest.raises(TypeError…)`, `raises((TypeError, …))`,
; `self.assertRaises(TypeError)`, `assertRaisesRegex(TypeError, …)`, `raises(expected_exception=TypeError)`.
; Rust keeps those used as the context manager of a `with`; sites in its body await the sync function on purpose.
(call
  function: [
    (identifier) @method
    (attribute attribute: (identifier) @method)
  ]
  arguments: (argument_list . [
    (identifier) @exception
    (tuple (identifier) @exception)
    (parenthesized_expression (identifier) @exception)
  ])
  (#any-of? @method "raises" "assertRaises" "assertRaisesRegex")
  (#any-of? @exception "TypeError" "Exception" "BaseException")) @assertion

(call
  function: [
    (identifier) @method
    (attribute attribute: (identifier) @method)
  ]
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @keyword
      value: [
        (identifier) @exception
        (tuple (identifier) @exception)
      ]))
  (#any-of? @method "raises" "assertRaises" "assertRaisesRegex")
  (#any-of? @keyword "expected_exception" "exception")
  (#any-of? @exception "TypeError" "Exception" "BaseException")) @assertion
