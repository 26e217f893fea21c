import {
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { parsePeriod, type Period } from '@trust-ledger/domain';
import { statisticsCsv, type PublicStatistics } from '@trust-ledger/projections/statistics';
import { IsOptional } from 'class-validator';
import { normalizeIp } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators';
import { IsAgencyId, IsPeriod } from '../common/validators';
import { PublicStatisticsDto } from './statistics.dto';
import { StatisticsReader } from './statistics.reader';
import { StatisticsStream, type StatisticsMessage } from './statistics-stream';

export class StatisticsQuery {
  @ApiProperty({ example: '2025-Q1', description: 'YYYY, YYYY-Qn or YYYY-MM, in the ordinance’s time zone' })
  @IsPeriod()
  period!: string;

  @ApiPropertyOptional({ description: 'Only the cases of this local agency' })
  @IsOptional()
  @IsAgencyId()
  agencyId?: string;
}

/** The period a validated label (IsPeriod) names. */
const periodOf = (label: string): Period => parsePeriod(label)!;

/** Comments keep proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 20_000;

/**
 * Each open stream holds a socket and a file descriptor for as long as its client likes, and the
 * route needs no token: an address may hold this many at once, and all clients together this many.
 */
export const STREAMS_PER_CLIENT = 10;
const STREAMS_IN_ALL = 1_000;
const RETRY_STREAM_AFTER_SECONDS = 30;
const RETRY_STREAM_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};
/** A subscriber whose socket holds this much not yet sent is not reading: it is dropped. */
const MAX_UNSENT_BYTES = 1 << 20;

/** The stream's response headers, which a HEAD request gets alone. */
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

const sse = ({ id, data }: StatisticsMessage): string =>
  `${id === null ? '' : `id: ${id}\n`}data: ${data}\n\n`;

/**
 * One client's subscription to the stream, taken before the latest message is asked for: a change
 * counted between the two (counting waits for its suppression decision, so one can end there) is
 * held until the latest has gone out, not lost. Each message then goes out once, in the order
 * counted: one the latest already includes is dropped.
 */
class Following {
  private readonly held: StatisticsMessage[] = [];
  private send: ((message: StatisticsMessage) => void) | undefined;
  private end: (() => void) | undefined;
  private ended = false;
  /** The last message the client has. */
  private sequence = 0;
  readonly unsubscribe: () => void;

  constructor(stream: StatisticsStream) {
    this.unsubscribe = stream.subscribe(
      (message) => this.receive(message),
      () => {
        this.ended = true;
        this.end?.();
      },
    );
  }

  /** Sends what follows `latest`, which the client has (just sent, or by its Last-Event-ID). */
  start(latest: StatisticsMessage, send: (message: StatisticsMessage) => void, end: () => void): void {
    this.sequence = latest.sequence;
    this.send = send;
    this.end = end;
    for (const message of this.held.splice(0)) this.receive(message);
    // The service shut down while the latest was counted.
    if (this.ended) end();
  }

  private receive(message: StatisticsMessage): void {
    if (this.send === undefined) this.held.push(message);
    else if (message.sequence > this.sequence) {
      this.sequence = message.sequence;
      this.send(message);
    }
  }
}

/** § 11's public statistics: no token, never personal data, small cells withheld. */
@ApiTags('public')
@Public()
@Controller('public')
export class PublicStatisticsController {
  /** Open streams by client address, and in all. */
  private readonly streams = new Map<string, number>();
  private streamsInAll = 0;

  constructor(
    private readonly reader: StatisticsReader,
    private readonly stream: StatisticsStream,
  ) {}

  @Get('statistics')
  @ApiOkResponse({ type: PublicStatisticsDto, description: 'The period’s statistics (API.md § 11)' })
  @ApiBadRequestResponse({ description: 'Missing or malformed period' })
  statistics(@Query() { period, agencyId }: StatisticsQuery): Promise<PublicStatistics> {
    return this.reader.forPeriod(periodOf(period), agencyId ?? null);
  }

  @Get('statistics.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ type: String, description: 'The rows as RFC 4180 CSV; a withheld cell is empty' })
  @ApiBadRequestResponse({ description: 'Missing or malformed period' })
  async csv(
    @Query() { period, agencyId }: StatisticsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const statistics = await this.reader.forPeriod(periodOf(period), agencyId ?? null);
    // One agency's file says so in its name, as its rows cannot (an agency id is safe in a filename).
    const name = `statistics-${statistics.period}${agencyId === undefined ? '' : `-${agencyId}`}.csv`;
    void reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}"`);
    return statisticsCsv(statistics);
  }

  /**
   * Server-Sent Events: the current quarter's statistics whenever they change, each with the log
   * position, sealed, and a digest of its counts as its id (time alone changes them at one position).
   * A client resuming with Last-Event-ID gets the current state at once if it has missed it, else
   * the next change.
   */
  @Get('statistics/stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiOkResponse({
    type: String,
    description:
      'text/event-stream of the current quarter’s statistics: each message’s data is a PublicStatisticsDto, its id the log position with a digest of the statistics (opaque; also taken as minPosition)',
  })
  @ApiTooManyRequestsResponse({
    description: `Over the rate limit, or this address holds ${STREAMS_PER_CLIENT} streams already`,
    headers: RETRY_STREAM_AFTER,
  })
  @ApiServiceUnavailableResponse({
    description: `minPosition not reached, or ${STREAMS_IN_ALL} streams are open already`,
    headers: RETRY_STREAM_AFTER,
  })
  async subscribe(
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // As the rate limits count a client: an IPv6 host holds a whole /64 of addresses.
    const client = normalizeIp(request.ip);
    const held = this.streams.get(client) ?? 0;
    if (held >= STREAMS_PER_CLIENT || this.streamsInAll >= STREAMS_IN_ALL) {
      void reply.header('Retry-After', String(RETRY_STREAM_AFTER_SECONDS));
      if (held >= STREAMS_PER_CLIENT) {
        throw new HttpException(
          `At most ${STREAMS_PER_CLIENT} statistics streams are open from one address`,
          HttpStatus.TOO_MANY_REQUESTS,
        );
      }
      throw new ServiceUnavailableException('Too many statistics streams are open; retry later');
    }
    if (request.method === 'HEAD') {
      // Node sends a HEAD's headers only when the response ends, so a stream held open answered
      // nothing at all while it kept one of the client's places.
      void reply.headers(STREAM_HEADERS).send();
      return;
    }
    this.streams.set(client, held + 1);
    this.streamsInAll += 1;
    const following = new Following(this.stream);
    const raw = reply.raw;
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      following.unsubscribe();
      this.release(client);
    };
    // Heard from the start: a client that leaves while its first message is counted (seconds, at
    // times) must free its place too, or enough such visits would leave no stream for anyone.
    raw.once('close', leave);
    let latest: StatisticsMessage;
    try {
      latest = await this.stream.latest();
    } catch (error) {
      leave();
      throw error;
    }
    reply.hijack();
    // Gone: there is no one to answer.
    if (left) return;
    raw.writeHead(200, STREAM_HEADERS);
    const send = (text: string): void => {
      if (raw.writableLength > MAX_UNSENT_BYTES) raw.destroy();
      else raw.write(text);
    };
    send(': statistics of the current quarter\n\n');
    if (this.stream.isBehind(lastEventId, latest)) send(sse(latest));
    following.start(
      latest,
      (message) => send(sse(message)),
      () => raw.end(),
    );
    const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
    keepAlive.unref();
    raw.once('close', () => clearInterval(keepAlive));
  }

  private release(client: string): void {
    const held = (this.streams.get(client) ?? 1) - 1;
    if (held > 0) this.streams.set(client, held);
    else this.streams.delete(client);
    this.streamsInAll -= 1;
  }
}
