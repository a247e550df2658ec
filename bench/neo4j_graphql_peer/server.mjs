// The peer of bench/peer_graphql.py: the Neo4j GraphQL Library (@neo4j/graphql) on Apollo Server,
// as its getting-started guide sets it up, over the Neo4j the hub reads.  Loopback only.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=… PORT=4000 node server.mjs
//
// Read-only use: mutations are left out of the schema.  It prints "ready <url>" once it listens.

import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(env("NEO4J_URI"), neo4j.auth.basic(env("NEO4J_USER"), env("NEO4J_PASSWORD")), {
  // The hub's driver turns notifications off too (it names properties that may not exist yet).
  notificationsFilter: { minimumSeverityLevel: "OFF" },
});
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const server = new ApolloServer({ schema, introspection: process.env.PEER_INTROSPECTION === "1" });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(env("PORT")) },
  context: async () => ({ sessionConfig: { database: "neo4j" } }),
});
console.log(`ready ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
