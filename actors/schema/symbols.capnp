# The record of the `symbols` agent for one file, as stored in the cache
# tiers and sent between nodes. Field numbers are forever; add, never reuse.
@0xe6cf0b915f941ad9;

$import "/capnp/c++.capnp".namespace("troupe::actors::schema");

struct Function {
  qualname @0 :Text;
  name @1 :Text;
  line @2 :UInt32;
  endLine @3 :UInt32;
  isAsync @4 :Bool;
  isMethod @5 :Bool;
  params @6 :List(Text);
  annotatedParams @7 :UInt32;
  returnsAnnotated @8 :Bool;
  decorators @9 :List(Text);
  hasDocstring @10 :Bool;
  signature @11 :Text;
  calls @12 :List(Text);
  bodyHash @13 :UInt64;
  bodyTokens @14 :UInt32;
  summary @15 :Text;
  localNames @16 :List(Text);
  firstParamAnnotated @17 :Bool;
}

struct Class {
  qualname @0 :Text;
  name @1 :Text;
  line @2 :UInt32;
  endLine @3 :UInt32;
  bases @4 :List(Text);
  decorators @5 :List(Text);
  hasDocstring @6 :Bool;
  summary @7 :Text;
}

struct FileSymbols {
  parseErrors @0 :UInt32;
  functions @1 :List(Function);
  classes @2 :List(Class);
  names @3 :List(Text);
  attributes @4 :List(Text);
  exports @5 :List(Text);
  hasAll @6 :Bool;
  moduleCalls @7 :List(Text);
  moduleSummary @8 :Text;
}
