/**
 * Entry point of one demo service process (forked by app.ts): starts the service from the config
 * passed as the first argument, reports its port over IPC, takes the addresses of the services it
 * calls once they are known, and exits when told to or when the parent goes away, so no service
 * outlives the demo.
 */
import { type DemoServiceConfig, startDemoService } from './service.js';

const config = JSON.parse(process.argv[2] ?? '{}') as DemoServiceConfig;
const service = await startDemoService(config);
process.send?.({ type: 'ready', port: service.port });

const exit = () => {
  service.close().finally(() => process.exit(0));
};
process.on('message', (message: { type?: string; routes?: Record<string, string> }) => {
  if (message?.type === 'stop') exit();
  if (message?.type === 'routes' && message.routes) {
    service.setRoutes(message.routes);
    process.send?.({ type: 'routed' });
  }
});
process.on('disconnect', exit);
process.on('SIGTERM', exit);
// Ctrl-C reaches the whole process group: the parent stops the services in order.
process.on('SIGINT', () => {});
