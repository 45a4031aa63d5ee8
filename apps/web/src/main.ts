import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { wireStores } from './stores/wiring';
import './style.css';

const app = createApp(App);
// a failure nobody caught is logged (the browser tests fail on it) and the page stays up
app.config.errorHandler = (error) => console.error('switchboard:', error);
window.addEventListener('unhandledrejection', (e) => {
  console.error('switchboard: unhandled', e.reason);
  e.preventDefault();
});
wireStores();
app.use(createPinia()).use(router).use(ElementPlus).mount('#app');
