; `with pytest.raises(TypeError…)`, `with raises((TypeError, …))`, `with self.assertRaises(TypeError)` and
; `assertRaisesRegex(TypeError, …)`: code in @body awaits the sync function on purpose, to test the failure.
(with_statement
  (with_clause
    (with_item
      value: (call
        function: [
          (identifier) @method
          (attribute attribute: (identifier) @method)
        ]
        arguments: (argument_list . [
          (identifier) @exception
          (tuple (identifier) @exception)
          (parenthesized_expression (identifier) @exception)
        ]))))
  body: (block) @body
  (#any-of? @method "raises" "assertRaises" "assertRaisesRegex")
  (#eq? @exception "TypeError"))

(with_statement
  (with_clause
    (with_item
      value: (call
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
            ])))))
  body: (block) @body
  (#any-of? @method "raises" "assertRaises" "assertRaisesRegex")
  (#any-of? @keyword "expected_exception" "exception")
  (#eq? @exception "TypeError"))
