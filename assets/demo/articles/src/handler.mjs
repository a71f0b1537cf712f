// The articles service: one function behind an HTTP API (payload format 2.0) that serves both
// routes, `GET /articles` and `GET /articles/{id}`. Seed data only, held in memory.

const article = (id, title, author, tags) => ({ id, title, author, tags });
const ARTICLES = [
  article('1', 'Microfunctions: one function, one job', 'ada', ['serverless', 'design']),
  article('2', 'Cold starts, measured', 'linus', ['lambda', 'performance']),
  article('3', 'Paying for what runs: Lambda cost in practice', 'grace', ['cost']),
];

const pageSize = Number(process.env.PAGE_SIZE ?? 10);

const json = (statusCode, body) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function listArticles(event) {
  const tag = event.queryStringParameters?.tag;
  const found = tag ? ARTICLES.filter((a) => a.tags.includes(tag)) : ARTICLES;
  console.log(`listArticles: ${found.length} articles${tag ? ` tagged ${tag}` : ''}`);
  return json(200, { articles: found.slice(0, pageSize), total: found.length });
}

function getArticle(event) {
  const id = event.pathParameters?.id ?? '';
  if (!/^[1-9][0-9]*$/.test(id)) {
    console.log(`getArticle rejected: bad id ${JSON.stringify(id)}`);
    return json(400, { message: 'The article id must be a positive number' });
  }
  const found = ARTICLES.find((a) => a.id === id);
  console.log(`getArticle ${id}: ${found ? found.title : 'not found'}`);
  return found ? json(200, found) : json(404, { message: `Article ${id} not found` });
}

const ROUTES = {
  'GET /articles': listArticles,
  'GET /articles/{id}': getArticle,
};

/** Routes by the HTTP API's route key, or by method and raw path when the route key is $default. */
function route(event) {
  if (ROUTES[event.routeKey]) return ROUTES[event.routeKey];
  const method = event.requestContext?.http?.method;
  const path = (event.rawPath ?? '').replace(/\/+$/, '');
  if (method !== 'GET') return undefined;
  if (path === '/articles') return listArticles;
  const match = path.match(/^\/articles\/([^/]+)$/);
  if (match) {
    event.pathParameters = { ...event.pathParameters, id: decodeURIComponent(match[1]) };
    return getArticle;
  }
  return undefined;
}

export const api = async (event) => {
  const handler = route(event);
  if (!handler) {
    console.log(`no route for ${event.requestContext?.http?.method} ${event.rawPath}`);
    return json(404, { message: 'Not found' });
  }
  return handler(event);
};
