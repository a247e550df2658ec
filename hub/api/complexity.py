"""The document limits of the GraphQL API: depth, aliases and estimated cost, checked before anything runs.

Each reports ``QUERY_TOO_COMPLEX``: depth and aliases as graphql-core validation
rules, the cost (which depends on the request's variables) by :func:`cost_errors`
after them; the token limit is graphql-core's parser's (``max_tokens``).
:class:`Documents` applies them all, remembering what does not depend on the
request.  Every limit walks each named fragment once, however often it is spread,
so checking a document takes time linear in its size.  strawberry's own ``QueryDepthLimiter``
and ``MaxAliasesLimiter`` re-walk a fragment at every spread: a few hundred tokens
of fragments that each spread the next one twice kept them busy for minutes, with
the event loop blocked, which is why they are replaced here (same rules, same
messages).

**Depth**: the longest chain of fields with selections (introspection fields do
not count), as strawberry counts it.  **Aliases**: every aliased field of the
document's operations, a fragment counted at each spread.

**Cost**, what an operation would make the server do.  Depth, aliases and tokens
do not stop a small document that multiplies: ``events(first: 100)`` with, in each
event, its participants' ``events(first: 100)`` asks for ten thousand events in a
few lines.  The estimate:

* every field costs 1 (``__typename`` and introspection fields too);
* a field that takes ``first`` returns up to that many items: ``first`` as given,
  the field's default when it is left out, clamped to ``0..MAX_PAGE_SIZE`` (more
  is refused by the resolver anyway, with a better message).  When the field is a
  list (``search``, ``partners``), its whole selection counts once per item; when
  it is an object holding the page (a connection's ``edges``, the network's
  ``nodes``), the list-typed fields of its selection count once per item and the
  rest (``totalCount``, ``pageInfo``, summaries, lists with a ``first`` of their
  own) once;
* ``first: $var`` takes the request's value of ``$var``, or the variable's
  default, or the field's default when neither is given (as GraphQL does); a
  value that is no integer counts as the largest page;
* fragment spreads and inline fragments count like the fields they contain;
* ``@skip``/``@include`` are ignored: a skipped field still counts.

Only the operation that would run is costed (the one ``operationName`` names).

No library is used for the cost: ``graphql-complexity`` (the maintained Python
one) multiplies only a field's own cost by ``first`` (not its selection's),
ignores the request's variables in its public entry point, fails on variables
without a default, and pins strawberry to an old minor release.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_interface_type,
    is_list_type,
    is_object_type,
    parse,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.schema.schema import validate_document

from hub.api.errors import QUERY_TOO_COMPLEX
from hub.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

#: The argument that says how many items a field returns.
PAGE_ARGUMENT = "first"


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _operations(document: DocumentNode, name: str | None = None) -> Iterator[OperationDefinitionNode]:
    """The document's operations; only the one called ``name`` if a name is given."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name is not None and definition.name.value == name)
        ):
            yield definition


def _error(message: str, node: OperationDefinitionNode | None = None) -> GraphQLError:
    return GraphQLError(message, nodes=node, extensions={"code": QUERY_TOO_COMPLEX})


# --- depth and aliases ------------------------------------------------------------------------------------


class _Walker:
    """Depth and alias count of selections, each named fragment walked once (cycles count as nothing)."""

    def __init__(self, document: DocumentNode) -> None:
        self._fragments = _fragments(document)
        self._depths: dict[str, int] = {}
        self._aliases: dict[str, int] = {}
        self._visiting: set[str] = set()

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if selection.selection_set and not selection.name.value.startswith("__"):
                    deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value, self._depths, self.depth))
        return deepest

    def aliases(self, selection_set: SelectionSetNode | None) -> int:
        count = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count += (selection.alias is not None) + self.aliases(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                count += self.aliases(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                count += self._fragment(selection.name.value, self._aliases, self.aliases)
        return count

    def _fragment(self, name: str, memo: dict[str, int], measure: Any) -> int:
        if name in memo:
            return memo[name]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._visiting:
            return 0  # unknown or cyclic: graphql-core's own rules report it
        self._visiting.add(name)
        try:
            memo[name] = measure(fragment.selection_set)
        finally:
            self._visiting.discard(name)
        return memo[name]


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """Refuses operations nesting fields deeper than ``max_depth`` (strawberry's QueryDepthLimiter, linear)."""

    class MaxDepth(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
            walker = _Walker(node)
            for operation in _operations(node):
                if walker.depth(operation.selection_set) > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    self.report_error(_error(f"'{name}' exceeds maximum operation depth of {max_depth}", operation))
            return BREAK

    return MaxDepth


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """Refuses documents with more than ``max_aliases`` aliases (strawberry's MaxAliasesLimiter, linear)."""

    class MaxAliases(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> Any:
            walker = _Walker(node)
            total = sum(walker.aliases(operation.selection_set) for operation in _operations(node))
            if total > max_aliases:
                self.report_error(_error(f"{total} aliases found. Allowed: {max_aliases}"))
            return BREAK

    return MaxAliases


# --- cost -------------------------------------------------------------------------------------------------


def _page_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        return MAX_PAGE_SIZE
    return min(max(value, 0), MAX_PAGE_SIZE)


class CostEstimator:
    """The estimated cost of the operations of one document, for one request's variables."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None = None):
        self.schema = schema
        self.variables = variables if isinstance(variables, Mapping) else {}
        self._fragments = _fragments(document)
        self._operation: OperationDefinitionNode | None = None
        self._fragment_costs: dict[tuple[str, int], int] = {}
        self._visiting: set[str] = set()

    def operation_cost(self, operation: OperationDefinitionNode) -> int:
        self._operation = operation
        self._fragment_costs = {}  # a fragment's cost depends on the operation's variables
        root = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }.get(operation.operation)
        return self._selection_cost(operation.selection_set, root)

    def _selection_cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, per_list: int = 1
    ) -> int:
        """The cost of a selection; its list-typed fields count ``per_list`` times (the page of a connection)."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self._field_cost(selection, parent, per_list)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selection_cost(selection.selection_set, inner, per_list)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment_cost(selection.name.value, per_list)
        return total

    def _fragment_cost(self, name: str, per_list: int) -> int:
        key = (name, per_list)
        if key in self._fragment_costs:
            return self._fragment_costs[key]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._visiting:
            return 0  # unknown or cyclic: graphql-core's own rules report it
        self._visiting.add(name)
        try:
            parent = self.schema.get_type(fragment.type_condition.name.value)
            cost = self._selection_cost(fragment.selection_set, parent, per_list)
        finally:
            self._visiting.discard(name)
        self._fragment_costs[key] = cost
        return cost

    def _field_cost(self, node: FieldNode, parent: GraphQLNamedType | None, per_list: int) -> int:
        definition = self._definition(node, parent)
        if definition is None:  # unknown: graphql-core's own rules report it
            return 1 + self._selection_cost(node.selection_set, None)
        is_list = is_list_type(get_nullable_type(definition.type))  # type: ignore[arg-type]
        inner = get_named_type(definition.type)
        items = self._items(node, definition)
        if items is None:
            cost = 1 + self._selection_cost(node.selection_set, inner)
        elif is_list:  # a list of at most ``first`` items: its whole selection, once per item
            cost = 1 + items * self._selection_cost(node.selection_set, inner)
        else:  # a connection: its lists (edges) once per item; totalCount, pageInfo once
            cost = 1 + self._selection_cost(node.selection_set, inner, per_list=items)
        # A list with a ``first`` of its own (a network's communities) is no part of the page around it.
        return per_list * cost if is_list and items is None else cost

    def _definition(self, node: FieldNode, parent: GraphQLNamedType | None) -> GraphQLField | None:
        name = node.name.value
        if parent is not None and parent is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        if is_object_type(parent) or is_interface_type(parent):
            return parent.fields.get(name)  # type: ignore[union-attr]
        return None

    def _items(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """How many items the field may return (its ``first``); None for a field without ``first``."""
        argument = definition.args.get(PAGE_ARGUMENT)
        if argument is None:
            return None
        default = argument.default_value if isinstance(argument.default_value, int) else DEFAULT_PAGE_SIZE
        given = next((arg.value for arg in node.arguments or () if arg.name.value == PAGE_ARGUMENT), None)
        if given is None:
            return _page_size(default)
        if isinstance(given, IntValueNode):
            return _page_size(int(given.value))
        if isinstance(given, VariableNode):
            return _page_size(self._variable(given.name.value, default))
        return MAX_PAGE_SIZE  # null or a value of the wrong type: refused later, counted high meanwhile

    def _variable(self, name: str, field_default: int) -> Any:
        if name in self.variables:
            return self.variables[name]
        for definition in (self._operation.variable_definitions if self._operation else None) or ():
            if definition.variable.name.value == name and definition.default_value is not None:
                value = definition.default_value
                return int(value.value) if isinstance(value, IntValueNode) else None
        return field_default  # not given: the argument takes the field's default


def cost_errors(
    schema: GraphQLSchema,
    document: DocumentNode,
    max_cost: int,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> list[GraphQLError]:
    """An error for each operation whose estimated cost exceeds ``max_cost``.

    ``variables`` are the request's variable values (page sizes given as variables);
    with ``operation_name`` only that operation is costed (the one that would run).
    Not a graphql-core validation rule, though it reports like one: ``validate`` would
    walk the whole document with type information for a rule that reads it once,
    which was a third of a node lookup's execution (profiled).
    """
    estimator = CostEstimator(schema, document, variables)
    errors = []
    for operation in _operations(document, operation_name):
        cost = estimator.operation_cost(operation)
        if cost > max_cost:
            message = f"Query is too complex: estimated cost {cost} exceeds the limit {max_cost}."
            errors.append(_error(message, operation))
    return errors


class Documents:
    """The documents of one schema: each text parsed and validated once, and costed on every request.

    Parsing and validating a document (graphql-core's ~30 rules with the depth and alias
    limits) is most of what a small request costs (profiled: about three quarters of
    ``schema.execute`` for a node lookup), and clients send the same few documents over
    and over.  So the most recently used texts are remembered with their document and
    whether it passed validation; a request with a remembered valid document goes
    straight to the one check that depends on the request: its cost, which reads the
    variables.  A text that fails to parse (a syntax error, or more than ``max_tokens``
    tokens) is not remembered, and neither is a failed validation: it is run again.
    Nor is a text longer than ``max_chars``: a token can be a string of any length up
    to the body cap (1 MB), and a thousand such texts would hold a gigabyte; real
    documents are a few kB.  Made for one schema (``hub.api.schema.create_schema``):
    what it remembers as valid holds for that schema and these rules only.
    """

    def __init__(
        self,
        rules: Sequence[type[ValidationRule]],
        *,
        max_tokens: int,
        max_cost: int,
        size: int = 1_000,
        max_chars: int = 16_384,
    ) -> None:
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.size = size
        self.max_chars = max_chars
        self._known: OrderedDict[str, tuple[DocumentNode, bool]] = OrderedDict()

    def parse(self, query: str) -> DocumentNode:
        """The parsed document; GraphQLError (a syntax error, or too many tokens) if the text is not one."""
        known = self._known.get(query)
        if known is not None:
            self._known.move_to_end(query)
            return known[0]
        document = parse(query, max_tokens=self.max_tokens)
        if len(query) <= self.max_chars:
            self._known[query] = (document, False)
            if len(self._known) > self.size:
                self._known.popitem(last=False)
        return document

    def errors(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
    ) -> list[GraphQLError]:
        """Validation errors (none if the document is known valid), then the cost errors for these variables."""
        errors: list[GraphQLError] = []
        known = self._known.get(query)
        remembered = known is not None and known[0] is document  # not evicted (and parsed again) meanwhile
        if not (remembered and known[1]):  # type: ignore[index]
            errors = validate_document(schema, document, self.rules)
            if not errors and remembered:
                self._known[query] = (document, True)
        return [*errors, *cost_errors(schema, document, self.max_cost, variables, operation_name)]
