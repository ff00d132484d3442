package dev.telescope.bench;

import dev.telescope.webhook.ReviewCodec;
import dev.telescope.webhook.WebhookAnswer;
import dev.telescope.webhook.WebhookRequest;
import dev.telescope.webhook.WebhookServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509KeyManager;

/**
 * A candidate webhook transport for the evaluation in docs/adr (bench only, never in the product
 * jar): Netty's HTTP/1.1 codec over TLS from BoringSSL (netty-tcnative) or the JDK engine, carrying
 * the same {@link ReviewCodec} as the JDK {@link WebhookServer}. The key manager is asked on every
 * handshake, so a {@code ReloadingKeyManager} rotates certificates as with the JDK server.
 */
final class NettyWebhookTransport implements AutoCloseable {
  private final ReviewCodec codec;
  private final SslContext ssl;
  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers;
  private final ExecutorService handlers;
  private Channel channel;

  /**
   * @param codec the review codec (routes registered)
   * @param keys the key manager, consulted on each handshake
   * @param ioThreads event-loop threads
   * @param handlerThreads threads running the codec; 0 runs it on the event loop
   * @param openssl BoringSSL through netty-tcnative instead of the JDK's TLS engine
   */
  NettyWebhookTransport(
      ReviewCodec codec, X509KeyManager keys, int ioThreads, int handlerThreads, boolean openssl)
      throws Exception {
    this.codec = codec;
    if (openssl && !OpenSsl.isAvailable()) {
      throw new IllegalStateException("netty-tcnative is not available", OpenSsl.unavailabilityCause());
    }
    this.ssl =
        SslContextBuilder.forServer(keys)
            .sslProvider(openssl ? SslProvider.OPENSSL : SslProvider.JDK)
            .protocols(WebhookServer.TLS_PROTOCOLS)
            .build();
    this.workers = new NioEventLoopGroup(ioThreads);
    this.handlers = handlerThreads > 0 ? Executors.newFixedThreadPool(handlerThreads) : null;
  }

  int start(String host, int port) throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(ssl.newHandler(ch.alloc()))
                        .addLast(new HttpServerCodec(4096, 8192, 8192))
                        .addLast(new ReviewHandler());
                  }
                });
    channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** One request at a time per connection: head, body up to the limit, answer. */
  private final class ReviewHandler extends SimpleChannelInboundHandler<HttpObject> {
    private HttpRequest head;
    private ByteArrayOutputStream body;
    private WebhookAnswer early;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest request) {
        head = request;
        body = new ByteArrayOutputStream(4096);
        if (!request.decoderResult().isSuccess()) {
          early = codec.badRequest(path(request.uri()), "malformed HTTP request");
        } else {
          early =
              codec.precheck(
                  request.method().name(),
                  path(request.uri()),
                  request.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        }
      }
      if (msg instanceof HttpContent content && early == null) {
        ByteBuf buf = content.content();
        if (body.size() <= codec.maxBodyBytes()) {
          // One byte past the limit is enough for the codec to answer 413.
          int take = Math.min(buf.readableBytes(), codec.maxBodyBytes() + 1 - body.size());
          byte[] chunk = new byte[take];
          buf.readBytes(chunk);
          body.write(chunk, 0, take);
        }
      }
      if (msg instanceof LastHttpContent) {
        HttpRequest request = head;
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (early != null) {
          write(ctx, early, keepAlive);
        } else {
          WebhookRequest value =
              WebhookRequest.of(request.method().name(), request.uri(), body.toByteArray());
          Executor on = handlers == null ? Runnable::run : handlers;
          on.execute(() -> write(ctx, codec.answer(value), keepAlive));
        }
        head = null;
        body = null;
        early = null;
      }
    }

    private void write(ChannelHandlerContext ctx, WebhookAnswer answer, boolean keepAlive) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(answer.status()),
              Unpooled.wrappedBuffer(answer.body()));
      answer.headers().forEach((k, v) -> response.headers().set(k, v));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
      boolean close = !keepAlive || answer.closeConnection();
      if (close) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      var future = ctx.writeAndFlush(response);
      if (close) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static String path(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    if (handlers != null) {
      handlers.shutdown();
    }
  }
}
