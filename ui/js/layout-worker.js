/**
 * Lays the graph out off the main thread: headless cytoscape with the fcose layout, positions
 * posted back. The page never blocks on layout, whatever the network's size.
 */
/* global importScripts, cytoscape, cytoscapeFcose */
importScripts('/ui/vendor/cytoscape/dist/cytoscape.min.js', '/ui/vendor/layout-base/layout-base.js', '/ui/vendor/cose-base/cose-base.js', '/ui/vendor/cytoscape-fcose/cytoscape-fcose.js');
cytoscape.use(cytoscapeFcose);

self.onmessage = (m) => {
  const { id, nodes, edges } = m.data;
  const t0 = performance.now();
  const cy = cytoscape({ headless: true, styleEnabled: true, style: [{ selector: 'node', style: { width: 30, height: 30 } }] });
  cy.add(nodes.map((n) => ({ group: 'nodes', data: { id: n } })));
  cy.add(edges.map(([s, t], i) => ({ group: 'edges', data: { id: `e${i}`, source: s, target: t } })));
  // Draft (spectral only) above a few thousand nodes: the polishing phase grows quadratically.
  const big = nodes.length > 3000;
  cy.layout({
    name: 'fcose',
    animate: false,
    randomize: true,
    quality: big ? 'draft' : 'default',
    nodeRepulsion: 6000,
    idealEdgeLength: 60,
    numIter: 2500,
    packComponents: true,
  }).run();
  const positions = {};
  cy.nodes().forEach((n) => { const p = n.position(); positions[n.id()] = [p.x, p.y]; });
  self.postMessage({ id, positions, ms: performance.now() - t0 });
};
