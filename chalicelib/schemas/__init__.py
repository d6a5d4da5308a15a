"""Request and response schemas (JSON Schema dicts), one module per area, shared by the handlers
(``chalicelib.validation.validate``) and the OpenAPI document (``chalicelib.openapi.op``)."""
