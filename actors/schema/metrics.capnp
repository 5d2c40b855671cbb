# The records of the group-1 metric agents (size, complexity, imports,
# docstrings, todos) and rule checkers (security, naming) for one file, as
# stored in the cache tiers and sent between nodes. One root struct per
# agent. Field numbers are forever; add, never reuse.
@0xccbefd5b34d4228a;

$import "/capnp/c++.capnp".namespace("troupe::actors::schema");

# `size`: line counts; total == code + comment + blank + docstring.
struct SizeRecord {
  total @0 :UInt32;
  code @1 :UInt32;
  comment @2 :UInt32;
  blank @3 :UInt32;
  docstring @4 :UInt32;
}

# `complexity`: one def.
struct FunctionComplexity {
  qualname @0 :Text;
  line @1 :UInt32;
  column @2 :UInt32;
  complexity @3 :UInt32;
  mccabeKey @4 :Text;
}

# `complexity`: a module- or class-level block mccabe reports on its own.
struct BlockComplexity {
  mccabeKey @0 :Text;
  line @1 :UInt32;
  column @2 :UInt32;
  complexity @3 :UInt32;
}

struct ComplexityRecord {
  functions @0 :List(FunctionComplexity);
  blocks @1 :List(BlockComplexity);
}

# `imports`: one name of a `from ... import`.
struct ImportedName {
  name @0 :Text;
  alias @1 :Text;
}

struct Import {
  module @0 :Text;
  alias @1 :Text;
  names @2 :List(ImportedName);
  line @3 :UInt32;
  level @4 :UInt32;
  fromImport @5 :Bool;
  conditional @6 :Bool;
  inFunction @7 :Bool;
  noqa @8 :Text;
}

struct ImportsRecord {
  imports @0 :List(Import);
}

# `docstrings`: the module, a class or a function.
struct DocstringEntry {
  qualname @0 :Text;
  line @1 :UInt32;
  present @2 :Bool;
  firstLine @3 :UInt32;
  lastLine @4 :UInt32;
}

struct DocstringsRecord {
  module @0 :DocstringEntry;
  classes @1 :List(DocstringEntry);
  functions @2 :List(DocstringEntry);
  documented @3 :UInt32;
  total @4 :UInt32;
}

# `todos`: one tagged comment.
struct Todo {
  line @0 :UInt32;
  tag @1 :Text;
  text @2 :Text;
}

struct TodosRecord {
  todos @0 :List(Todo);
}

# `security`: one issue as bandit reports it; rule is bandit's test id,
# severity and confidence are LOW, MEDIUM or HIGH.
struct SecurityFinding {
  rule @0 :Text;
  line @1 :UInt32;
  name @2 :Text;
  severity @3 :Text;
  confidence @4 :Text;
}

struct SecurityRecord {
  findings @0 :List(SecurityFinding);
}

# `naming`: one violation as pep8-naming reports it; rule is its code.
struct NamingViolation {
  rule @0 :Text;
  line @1 :UInt32;
  name @2 :Text;
}

struct NamingRecord {
  violations @0 :List(NamingViolation);
}
