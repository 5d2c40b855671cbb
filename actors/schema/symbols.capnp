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
}

struct Class {
  qualname @0 :Text;
  name @1 :Text;
  line @2 :UInt32;
  endLine @3 :UInt32;
  bases @4 :List(Text);
  decorators @5 :List(Text);
  hasDocstring @6 :Bool;
}

struct FileSymbols {
  parseErrors @0 :UInt32;
  functions @1 :List(Function);
  classes @2 :List(Class);
}
