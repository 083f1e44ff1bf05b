DROP TABLE changes;
DROP TABLE link_endpoints;
DROP TABLE links;
DROP TABLE nodes;
DROP TABLE locations;
DROP TABLE vendors;
