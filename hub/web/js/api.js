// The dashboard's only data path: the hub's own GraphQL API at /graphql.
//
// Every query the dashboard sends is in QUERIES below, in one place, so a renamed field is one edit.
// Ids are the API's global ids (base64 of "Type:id"), used as they come.

export const QUERIES = {
  // Centres (with coordinates for the map) and the theme taxonomy.
  meta: `query DashboardMeta {
    spaces(first: 50) { edges { node { id name shortName city latitude longitude } } }
    themes(first: 100) { edges { node { id label parent { id } } } }
  }`,

  // Activity by centre × theme × period (all periods; the page cuts the chosen range itself).
  activity: `query DashboardActivity($granularity: Granularity!) {
    activity(granularity: $granularity) {
      periods
      cells { period events space { id } theme { id } themeLabel spaceLabel }
      spaceTotals { period events newActors label space { id } }
      periodTotals { period events newActors }
    }
  }`,

  // Links between the centres in a window: the map's lines and the overview's figures.
  links: `query DashboardLinks($window: ActivityWindow) {
    collaboration(window: $window) { label weight sharedActors sharedProjects sharedEvents a { id } b { id } }
    crossRegional(window: $window) { actorCount projectCount }
  }`,

  // The cross-regional network: actors and projects active in several centres, with their centres.
  network: `query DashboardNetwork($window: ActivityWindow, $actors: Int!, $projects: Int!) {
    crossRegional(window: $window) {
      actorCount
      projectCount
      actors(first: $actors) {
        name events
        centres { events activeIn space { id } }
        actor { id kind projects { id } }
      }
      projects(first: $projects) {
        name events contributors
        centres { events space { id } }
        project { id }
      }
    }
  }`,

  searchActors: `query DashboardSearchActors($text: String!, $first: Int!) {
    search(text: $text, kinds: [ACTOR], first: $first) {
      score
      node { ... on Actor { id name kind homeSpace { shortName } } }
    }
  }`,

  actor: `query DashboardActor($id: ID!) {
    node(id: $id) {
      ... on Actor {
        id name kind description websites
        homeSpace { id name }
        spaces { id name }
        projects { id name }
        events { totalCount }
      }
    }
  }`,

  partnersForActor: `query DashboardPartnersForActor($actor: ID!, $filter: PartnerFilter, $first: Int!) {
    partners(actor: $actor, filter: $filter, first: $first) { ...Suggestion }
  }
  fragment Suggestion on PartnerSuggestion {
    score reasons alreadyConnected
    actor { id name kind }
    spaces { id name }
    components { name label value weight }
    path { from { id name } to { id name } events { id title } projects { id name } }
  }`,

  partnersForThemes: `query DashboardPartnersForThemes(
    $themes: [ID!]!, $forSpace: ID, $filter: PartnerFilter, $first: Int!
  ) {
    partners(themes: $themes, forSpace: $forSpace, filter: $filter, first: $first) { ...Suggestion }
  }
  fragment Suggestion on PartnerSuggestion {
    score reasons alreadyConnected
    actor { id name kind }
    spaces { id name }
    components { name label value weight }
    path { from { id name } to { id name } events { id title } projects { id name } }
  }`,

  events: `query DashboardEvents($filter: EventFilter, $first: Int!, $after: String) {
    events(filter: $filter, first: $first, after: $after, orderBy: {field: START, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id title localStart status url space { id name } themes { id label } } }
    }
  }`,
};

/** A failed request, with a German message for people and the technical detail. */
export class ApiError extends Error {
  constructor(message, detail) {
    super(message);
    this.name = "ApiError";
    this.detail = detail || "";
  }
}

const ENDPOINT = "/graphql";

/** Runs the named query with its variables; resolves to `data`, rejects with an ApiError. */
export async function gql(name, variables = {}, { signal } = {}) {
  const query = QUERIES[name];
  if (!query) throw new ApiError("Interner Fehler: unbekannte Abfrage.", name);
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("Der Hub ist nicht erreichbar. Bitte prüfen Sie die Verbindung und versuchen Sie es erneut.",
      String(error));
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const errors = body && Array.isArray(body.errors) ? body.errors : [];
  if (!response.ok || !body || errors.length || !body.data) {
    const detail = errors.length
      ? errors.map((e) => e.message).join("; ")
      : `HTTP ${response.status} ${response.statusText}`.trim();
    const timeout = errors.some((e) => e.extensions && e.extensions.code === "TIMEOUT") || response.status === 504;
    throw new ApiError(
      timeout
        ? "Die Abfrage hat zu lange gedauert. Bitte versuchen Sie es erneut oder wählen Sie einen kürzeren Zeitraum."
        : "Die Daten konnten nicht geladen werden.",
      `${name}: ${detail}`,
    );
  }
  return body.data;
}

/** The nodes of a connection. */
export function nodes(connection) {
  return connection.edges.map((edge) => edge.node);
}
