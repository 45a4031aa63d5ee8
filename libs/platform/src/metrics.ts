import { Controller, Get, Header, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from './public.decorator';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

// The event-loop lag histogram samples every 100 ms, not every 10 ms: at 10 ms its timer alone cost an idle process
// ~7 ms of CPU per second (five in the split), and a scrape every few seconds reads the same quantiles either way
collectDefaultMetrics({ eventLoopMonitoringPrecision: 100 });

/** The product's own metrics; one registry per process, scraped at /metrics. */
export const metrics = {
  messagesAccepted: new Counter({
    name: 'switchboard_messages_accepted_total',
    help: 'Sends accepted (201)',
    labelNames: ['type'],
  }),
  sendFailures: new Counter({
    name: 'switchboard_send_failures_total',
    help: 'Sends refused after seqs were allocated',
    labelNames: ['reason'],
  }),
  pushDeliveries: new Counter({
    name: 'switchboard_push_deliveries_total',
    help: 'Messages emitted to client sockets',
  }),
  inboxWrites: new Counter({
    name: 'switchboard_inbox_writes_total',
    help: 'Inbox entries written by the offline consumer',
  }),
  slowConsumerDrops: new Counter({
    name: 'switchboard_push_slow_consumer_drops_total',
    help: 'Sockets cut because the server held more than PUSH_SOCKET_MAX_QUEUED_BYTES for them',
  }),
  connectionsRefused: new Counter({
    name: 'switchboard_push_connections_refused_total',
    help: 'Sockets refused by the per-user or per-address connection cap',
    labelNames: ['cap'],
  }),
  connections: new Gauge({ name: 'switchboard_push_connections', help: 'Client sockets held by this push node' }),
  dispatchSeconds: new Histogram({
    name: 'switchboard_dispatch_seconds',
    help: 'Time from send accepted by dispatch to broker receipt',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
};

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  scrape(): Promise<string> {
    return register.metrics();
  }
}

@Module({ controllers: [MetricsController] })
export class MetricsModule {}
