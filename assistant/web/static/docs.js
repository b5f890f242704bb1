// Swagger UI's start-up for /docs (docs.html). FastAPI writes this inline in the page; as a file
// of the app's own it runs under the CSP's script-src 'self'.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  // No badge that sends the schema to the public validator: the page makes no outside request.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
